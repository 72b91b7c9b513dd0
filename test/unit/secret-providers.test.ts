/**
 * Each secret provider against the real program or its documented contract:
 * the real `pass` and `gpg` with a throwaway key and store; stand-ins for `op`
 * and `vault` (test/stand-ins/, first on PATH) that speak those CLIs'
 * documented arguments, output and error texts; env, file and cmd for real.
 * A failure names the secret, its source and the fix, never the value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ProcessRunner } from '../../src/engine/runner.js';
import { SecretReader } from '../../src/engine/secrets/index.js';
import type { SecretSource } from '../../src/model/secret-source.js';
import { PassStore } from '../helpers/pass-store.js';

const STAND_INS = path.resolve(__dirname, '../stand-ins');
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-providers-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const reader = (env: Record<string, string | undefined>) => new SecretReader({ runner: new ProcessRunner(env), env });
const read = (env: Record<string, string | undefined>, src: SecretSource, name = 'DB_PASSWORD') => reader(env).read(name, src);

describe('pass (the real one)', () => {
  let store: PassStore;
  beforeAll(() => {
    store = new PassStore();
    store.insert('berth/prod/db', 'pa55-from-pass\nuser: app\nurl: db.example\n');
  });
  afterAll(() => store?.close());

  it('reads the first line of the entry', async () => {
    expect(await read(store.all(), { provider: 'pass', path: 'berth/prod/db' })).toBe('pa55-from-pass');
  });

  it('an entry that is not there names it and how to add it', async () => {
    await expect(read(store.all(), { provider: 'pass', path: 'berth/prod/nope' })).rejects.toThrow(
      'secret DB_PASSWORD (from pass:berth/prod/nope): berth/prod/nope is not in the password store; add it with pass insert berth/prod/nope (pass ls lists what is there)',
    );
  });

  it('a key gpg does not have says that it could not decrypt', async () => {
    const e = await read({ ...store.all(), GNUPGHOME: tmp() }, { provider: 'pass', path: 'berth/prod/db' }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/^secret DB_PASSWORD \(from pass:berth\/prod\/db\): pass could not decrypt it \(gpg: .*\); check that your gpg key is there/);
  });

  it('pass that is not installed says so', async () => {
    await expect(read({ PATH: tmp() }, { provider: 'pass', path: 'x' })).rejects.toThrow(
      'secret DB_PASSWORD (from pass:x): pass is not installed (or not on PATH); install it (apt install pass) and set up its store (pass init), or take this secret from another source',
    );
  });
});

describe('op (a stand-in speaking the 1Password CLI\'s op read)', () => {
  const opEnv = (dir: string, signedIn = true) => ({ PATH: `${STAND_INS}:${process.env.PATH}`, OP_STAND_IN_DIR: dir, ...(signedIn ? { OP_SERVICE_ACCOUNT_TOKEN: 'ops_test' } : {}) });
  const vaultWith = () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'prod', 'api'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'prod', 'api', 'jwt'), 'jwt-from-op');
    return dir;
  };

  it('reads the field a reference names', async () => {
    expect(await read(opEnv(vaultWith()), { provider: 'op', ref: 'op://prod/api/jwt' }, 'JWT_SECRET')).toBe('jwt-from-op');
  });

  it('not signed in says how to sign in', async () => {
    await expect(read(opEnv(vaultWith(), false), { provider: 'op', ref: 'op://prod/api/jwt' }, 'JWT_SECRET')).rejects.toThrow(
      'secret JWT_SECRET (from op://prod/api/jwt): op: not signed in (You are not currently signed in. Please run `op signin --help` for instructions); sign in with eval $(op signin), or set OP_SERVICE_ACCOUNT_TOKEN for a service account',
    );
  });

  it('a vault or item that is not there is op\'s own words', async () => {
    await expect(read(opEnv(vaultWith()), { provider: 'op', ref: 'op://staging/api/jwt' }, 'JWT_SECRET')).rejects.toThrow(
      `secret JWT_SECRET (from op://staging/api/jwt): op read failed: could not read secret 'op://staging/api/jwt': error initializing client: "staging" isn't a vault in this account.`,
    );
  });
});

describe('vault (a stand-in speaking the HashiCorp Vault CLI\'s vault kv get)', () => {
  const kv = () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'secret', 'stripe'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'secret', 'stripe', 'api_key'), 'sk-from-vault');
    fs.writeFileSync(path.join(dir, '.token'), 'hvs.test');
    return dir;
  };
  const vaultEnv = (dir: string, token = 'hvs.test') => ({ PATH: `${STAND_INS}:${process.env.PATH}`, VAULT_STAND_IN_DIR: dir, VAULT_TOKEN: token });
  const src = (path: string, field = 'api_key'): SecretSource => ({ provider: 'vault', path, field });

  it('reads the field of the secret at the path', async () => {
    expect(await read(vaultEnv(kv()), src('secret/stripe'), 'STRIPE_KEY')).toBe('sk-from-vault');
  });

  it('says what is wrong: the token, the path, the field', async () => {
    const dir = kv();
    await expect(read(vaultEnv(dir, 'wrong'), src('secret/stripe'), 'STRIPE_KEY')).rejects.toThrow(
      'secret STRIPE_KEY (from vault:secret/stripe#api_key): vault: not logged in, or the token may not read secret/stripe (* permission denied); log in with vault login, or set VAULT_TOKEN',
    );
    await expect(read(vaultEnv(dir), src('secret/nope'), 'STRIPE_KEY')).rejects.toThrow('vault has nothing at secret/nope; check the path (vault kv list on its folder)');
    await expect(read(vaultEnv(dir), src('secret/stripe', 'key'), 'STRIPE_KEY')).rejects.toThrow('secret/stripe has no field key; vault kv get secret/stripe lists its fields');
  });
});

describe('env, file and cmd', () => {
  it('env:NAME reads berth\'s environment, and says when it is not set', async () => {
    expect(await read({ MAIL_PW: 'from-env' }, { provider: 'env', name: 'MAIL_PW' })).toBe('from-env');
    await expect(read({}, { provider: 'env', name: 'MAIL_PW' })).rejects.toThrow("secret DB_PASSWORD (from env:MAIL_PW): MAIL_PW is not set in berth's environment; export it before running berth");
  });

  it('file:path reads the file without its last line break, and says when it is not there', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'pw'), 'from-file\n', { mode: 0o600 });
    expect(await read({}, { provider: 'file', path: path.join(dir, 'pw') })).toBe('from-file');
    await expect(read({}, { provider: 'file', path: path.join(dir, 'nope') })).rejects.toThrow(`${path.join(dir, 'nope')} does not exist; create it, or correct the path`);
  });

  it('cmd runs the program without a shell and reads its stdout; a failure is its exit code and last words, never its stdout', async () => {
    expect(await read(process.env, { provider: 'cmd', argv: ['printf', '%s\\n', 'from $cmd'] })).toBe('from $cmd');
    const e = (await read(process.env, { provider: 'cmd', argv: ['sh', '-c', 'echo leaked-value; echo no access >&2; exit 3'] }).catch((x: Error) => x)) as Error;
    expect(e.message).toBe('secret DB_PASSWORD (from cmd: ["sh","-c","echo leaked-value; echo no access >&2; exit 3"]): sh exited with 3: no access');
  });

  it('an empty value or one of several lines is refused without showing it', async () => {
    await expect(read(process.env, { provider: 'cmd', argv: ['true'] })).rejects.toThrow('secret DB_PASSWORD (from cmd: ["true"]): gave an empty value; store the secret there first');
    const e = (await read(process.env, { provider: 'cmd', argv: ['printf', 'top-secret\\nline2'] }).catch((x: Error) => x)) as Error;
    expect(e.message).toBe('secret DB_PASSWORD (from cmd: ["printf","top-secret\\\\nline2"]): gave a value of several lines; berth passes a secret as one line (store it on one line, or as its own field)');
  });

  it('a reader asks each source once per command', async () => {
    const dir = tmp();
    const src: SecretSource = { provider: 'cmd', argv: ['sh', '-c', `echo x >> ${dir}/count; echo once`] };
    const r = reader(process.env);
    expect(await r.values({ A: src, B: src })).toEqual({ A: 'once', B: 'once' });
    expect(await r.read('C', src)).toBe('once');
    expect(fs.readFileSync(path.join(dir, 'count'), 'utf8')).toBe('x\n');
  });
});
