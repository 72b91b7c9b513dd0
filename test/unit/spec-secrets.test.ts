import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../src/resolve/spec.js';
import { errorOf } from './_resolve.js';

const spec = (secrets: string) => `secrets:\n${secrets}services:\n  postgres: {}\n`;
const fail = (secrets: string) => errorOf(() => parseSpecText(spec(secrets))).message;

describe('stack.yaml secrets: sources', () => {
  it('reads each provider\'s form', () => {
    const raw = parseSpecText(
      spec(
        [
          '  A: op://prod/api/jwt',
          '  B: "op://prod vault/db/section/password?attribute=otp"',
          '  C: pass:berth/prod/db',
          '  D: vault:secret/stripe#api_key',
          '  E: env:MAIL_PASSWORD',
          '  F: file:keys/license',
          '  G: {cmd: [aws, secretsmanager, get-secret-value, --secret-id, x]}',
          '',
        ].join('\n'),
      ),
    ).raw;
    expect(raw.secrets).toEqual({
      A: { provider: 'op', ref: 'op://prod/api/jwt' },
      B: { provider: 'op', ref: 'op://prod vault/db/section/password?attribute=otp' },
      C: { provider: 'pass', path: 'berth/prod/db' },
      D: { provider: 'vault', path: 'secret/stripe', field: 'api_key' },
      E: { provider: 'env', name: 'MAIL_PASSWORD' },
      F: { provider: 'file', path: 'keys/license' },
      G: { provider: 'cmd', argv: ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 'x'] },
    });
  });

  it('refuses what is no source, naming the key path and the forms', () => {
    expect(fail('  DB: pas:x\n')).toBe(
      'secrets.DB: "pas:x" is not a secret source; use op://vault/item/field, pass:path, vault:path#field, env:NAME, file:path or {cmd: [program, args...]}',
    );
    expect(fail('  DB: 42\n')).toMatch(/^secrets\.DB: 42 is not a secret source; /);
    expect(fail('  DB: op://vault/item\n')).toBe('secrets.DB: "op://vault/item" is not a 1Password reference like op://vault/item/field (or op://vault/item/section/field)');
    expect(fail('  DB: vault:secret/x\n')).toBe('secrets.DB: "vault:secret/x" is not a Vault source like vault:secret/app#password (a path, then # and the field)');
    expect(fail('  DB: pass:-c\n')).toBe('secrets.DB: "pass:-c" has a path starting with -, which the program would read as an option');
    expect(fail('  DB: "pass:"\n')).toBe('secrets.DB: "pass:" has no path after the colon');
    expect(fail('  DB: pass:a/../b\n')).toBe('secrets.DB: "pass:a/../b" has .. in its path; name the entry as pass ls shows it');
    expect(fail('  DB: env:1X\n')).toBe('secrets.DB: "env:1X" is not env:NAME with an environment variable name like env:DB_PASSWORD');
    expect(fail('  DB: {cmd: []}\n')).toBe('secrets.DB: a map has a cmd that is not a list of words like [program, arg]');
    expect(fail('  DB: {run: [x]}\n')).toMatch(/^secrets\.DB: a map is not a secret source; /);
    expect(fail('  db_password: env:X\n')).toBe('secrets.db_password: "db_password" is not a secret name; use the .env name, like DB_PASSWORD');
  });
});
