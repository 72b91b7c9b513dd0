/** file:path: the content of a file on the machine running berth (a mounted secret, a key a tool wrote). */
import fs from 'node:fs';
import { ProviderFailure } from './run.js';

export async function readFile(path: string): Promise<string> {
  try {
    return await fs.promises.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProviderFailure(`${path} does not exist; create it, or correct the path (a relative one is read from stack.yaml's folder)`);
    if (code === 'EACCES') throw new ProviderFailure(`berth may not read ${path} (permission denied); give the user running berth read access`);
    if (code === 'EISDIR') throw new ProviderFailure(`${path} is a folder; name the file that holds the secret`);
    throw new ProviderFailure(`cannot read ${path}: ${(e as Error).message}`);
  }
}
