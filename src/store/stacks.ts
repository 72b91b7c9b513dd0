/** Reading stored stacks: names, manifests, .env, the spec as given. */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import type { Manifest } from '../render/manifest.js';
import { MANIFEST_FILE, SPEC_FILE } from '../render/files.js';
import { ENV_FILE, parseEnv } from '../render/env.js';
import { stackDir, stacksDir } from './home.js';
import { repairStackDir } from './atomic.js';
import { isLocked } from './lock.js';
import { STACK_NAME_RE } from '../util/names.js';
import { publishedPorts, type PublishedPort } from '../resolve/ports.js';

export function listStackNames(home: string): string[] {
  const dir = stacksDir(home);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && STACK_NAME_RE.test(e.name))
    .map((e) => e.name)
    .sort();
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Crash repair for readers, who do not take the lock: while a command holds it,
 * a temp or moved-aside dir is that command's work in progress, not a crash's leftover.
 */
function repairUnlessLocked(home: string, name: string): void {
  if (!isLocked(home, name)) repairStackDir(stacksDir(home), name);
}

export function stackExists(home: string, name: string): boolean {
  repairUnlessLocked(home, name);
  return fs.existsSync(path.join(stackDir(home, name), MANIFEST_FILE));
}

export function readManifest(home: string, name: string): Manifest | undefined {
  const file = path.join(stackDir(home, name), MANIFEST_FILE);
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new BerthError(`${file}: damaged (${(e as Error).message}); rewrite it with berth generate ${name} -f ${path.join(path.dirname(file), SPEC_FILE)}`);
  }
}

/** The manifest of a stack that must exist; a clear error otherwise. */
export function requireManifest(home: string, name: string): Manifest {
  repairUnlessLocked(home, name);
  const m = readManifest(home, name);
  if (!m) throw new BerthError(`no stack named ${name}; berth list shows the stacks, berth generate ${name} ... creates it`, { code: 'not_found' });
  return m;
}

export function readStackEnv(home: string, name: string): Record<string, string> {
  const text = readIfExists(path.join(stackDir(home, name), ENV_FILE));
  return text === undefined ? {} : parseEnv(text);
}

export function readSpecText(home: string, name: string): string | undefined {
  return readIfExists(path.join(stackDir(home, name), SPEC_FILE));
}

/** Host ports every other stored stack publishes. */
export function otherStacksPorts(home: string, except: string): PublishedPort[] {
  return listStackNames(home)
    .filter((n) => n !== except)
    .flatMap((n) => {
      // A damaged stack must not block generating the others; its ports just cannot be checked.
      let m: Manifest | undefined;
      try {
        m = readManifest(home, n);
      } catch {
        return [];
      }
      return m ? publishedPorts(n, m.services) : [];
    });
}
