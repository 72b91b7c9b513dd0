/**
 * The values of secrets that come from a provider (stack.yaml's secrets:),
 * read on the machine running berth: one module per provider, each given the
 * source and returning the value. Values are only returned: never logged,
 * never in an error (a failure names the secret, its source and the fix). A
 * reader keeps what it read for the length of one command, so a deploy and
 * its rollback read each source once.
 */
import { BerthError } from '../../errors.js';
import { sourceText, type SecretSource } from '../../model/secret-source.js';
import { readCmd } from './cmd.js';
import { readEnv } from './env.js';
import { readFile } from './file.js';
import { readOp } from './op.js';
import { readPass } from './pass.js';
import { ProviderFailure, type ProviderContext } from './run.js';
import { readVault } from './vault.js';

export type { ProviderContext } from './run.js';

function read(src: SecretSource, ctx: ProviderContext): Promise<string> {
  switch (src.provider) {
    case 'op':
      return readOp(src.ref, ctx);
    case 'pass':
      return readPass(src.path, ctx);
    case 'vault':
      return readVault(src.path, src.field, ctx);
    case 'env':
      return readEnv(src.name, ctx);
    case 'file':
      return readFile(src.path);
    case 'cmd':
      return readCmd(src.argv, ctx);
  }
}

/** What a provider gave, as the one-line value Compose receives: one trailing line break dropped; empty or several lines refused. */
function oneLine(raw: string): string {
  const value = raw.replace(/\r?\n$/, '');
  if (!value) throw new ProviderFailure('gave an empty value; store the secret there first');
  if (/[\r\n\0]/.test(value)) throw new ProviderFailure('gave a value of several lines; berth passes a secret as one line (store it on one line, or as its own field)');
  return value;
}

export class SecretReader {
  private readonly known = new Map<string, Promise<string>>();
  constructor(private readonly ctx: ProviderContext) {}

  /** The value of secret `name` from `src`; a failure is an error naming both and the fix. */
  read(name: string, src: SecretSource): Promise<string> {
    const key = JSON.stringify(src);
    let value = this.known.get(key);
    if (!value) {
      value = read(src, this.ctx).then(oneLine);
      this.known.set(key, value);
    }
    return value.catch((e: unknown) => {
      if (!(e instanceof ProviderFailure)) throw e;
      throw new BerthError(`secret ${name} (from ${sourceText(src)}): ${e.message}`, { code: 'failed', path: `secrets.${name}` });
    });
  }

  /** Every secret of `sources`, read together. */
  async values(sources: Record<string, SecretSource>): Promise<Record<string, string>> {
    const entries = await Promise.all(Object.entries(sources).map(async ([name, src]) => [name, await this.read(name, src)] as const));
    return Object.fromEntries(entries);
  }
}
