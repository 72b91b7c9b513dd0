/**
 * `secrets:` in stack.yaml: where a secret's value comes from when berth
 * does not keep it in .env, read at each up and deploy on the machine
 * running berth. Keys are the secrets' .env names; values are sources:
 *
 *   DB_PASSWORD: pass:prod/db              # first line of `pass show prod/db`
 *   JWT_SECRET: op://prod/api/jwt          # `op read op://prod/api/jwt`
 *   STRIPE_KEY: vault:secret/stripe#key    # `vault kv get -field=key secret/stripe`
 *   SMTP_PASSWORD: env:MAIL_PASSWORD       # berth's own environment
 *   LICENSE: file:/run/keys/license        # a file (relative: to stack.yaml's folder)
 *   API_TOKEN: {cmd: [aws, secretsmanager, get-secret-value, ...]}   # any program's stdout
 */
import * as v from 'valibot';
import { dict } from './dict.js';
import type { SecretSource } from '../model/secret-source.js';

const FORMS = 'use op://vault/item/field, pass:path, vault:path#field, env:NAME, file:path or {cmd: [program, args...]}';
const CONTROL = /[\x00-\x1f\x7f]/;

/** A path that reaches a program as one argument: not an option (-x), no control characters. */
function pathProblem(path: string, what: string): string | undefined {
  if (!path) return `has no ${what} after the colon`;
  if (CONTROL.test(path)) return `has a line break or control character in its ${what}`;
  if (path.startsWith('-')) return `has a ${what} starting with -, which the program would read as an option`;
  return undefined;
}

function parseOp(text: string): SecretSource | string {
  const parts = text.slice('op://'.length).split('?')[0]!.split('/');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => !p.trim())) return 'is not a 1Password reference like op://vault/item/field (or op://vault/item/section/field)';
  return CONTROL.test(text) ? 'has a line break or control character' : { provider: 'op', ref: text };
}

function parseVault(rest: string): SecretSource | string {
  const hash = rest.lastIndexOf('#');
  const path = hash < 0 ? rest : rest.slice(0, hash);
  const field = hash < 0 ? '' : rest.slice(hash + 1);
  if (!/^[A-Za-z0-9_.-]+$/.test(field)) return 'is not a Vault source like vault:secret/app#password (a path, then # and the field)';
  return pathProblem(path, 'path') ?? { provider: 'vault', path, field };
}

/** A source as stack.yaml writes it, or what is wrong with it (a message read after the value). */
export function parseSecretSource(input: unknown): SecretSource | string {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    const argv = (input as { cmd?: unknown }).cmd;
    if (keys.length !== 1 || keys[0] !== 'cmd') return `is not a secret source; ${FORMS}`;
    if (!Array.isArray(argv) || !argv.length || argv.some((a) => typeof a !== 'string' || !a || a.includes('\0'))) return 'has a cmd that is not a list of words like [program, arg]';
    return { provider: 'cmd', argv: argv as string[] };
  }
  if (typeof input !== 'string') return `is not a secret source; ${FORMS}`;
  if (input.startsWith('op://')) return parseOp(input);
  const colon = input.indexOf(':');
  const [scheme, rest] = colon < 0 ? [input, ''] : [input.slice(0, colon), input.slice(colon + 1)];
  switch (scheme) {
    case 'pass':
      return pathProblem(rest, 'path') ?? (rest.split('/').includes('..') ? 'has .. in its path; name the entry as pass ls shows it' : { provider: 'pass', path: rest });
    case 'vault':
      return parseVault(rest);
    case 'env':
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(rest) ? { provider: 'env', name: rest } : 'is not env:NAME with an environment variable name like env:DB_PASSWORD';
    case 'file':
      return pathProblem(rest, 'path') ?? { provider: 'file', path: rest };
    default:
      return `is not a secret source; ${FORMS}`;
  }
}

const source = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseSecretSource(dataset.value);
    if (typeof parsed === 'string') {
      addIssue({ message: parsed });
      return NEVER;
    }
    return parsed;
  }),
);

export const secretSourcesSchema = dict(
  v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_]*$/, 'is not a secret name; use the .env name, like DB_PASSWORD')),
  source,
  'must be a map of secret name: source (pass:path, op://vault/item/field, ...)',
);
