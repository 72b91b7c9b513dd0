import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { expectUsageError, readTree, stderrOf, newHome } from './_util.js';
import { MemoryEngine } from '../helpers/engine.js';
import type { Engine } from '../../src/engine/docker-api.js';
import { RecordingRunner } from '../../src/engine/runner.js';

const SEED = ['--web', '--postgres', '--monitoring'];

function envOf(home: string, name: string): Record<string, string> {
  return parseEnv(fs.readFileSync(path.join(home, 'stacks', name, '.env'), 'utf8'));
}

function secretsOf(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('COMPOSE_')));
}

async function ok(argv: string[], home: string, cwd?: string, engine: Engine = new MemoryEngine()): Promise<CliResult> {
  const r = await runCli(argv, { home, cwd, engine });
  expect(stderrOf(r)).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return r;
}

describe('secrets', () => {
  it('are generated with a crypto RNG into .env (mode 0600), one per secret, all distinct', async () => {
    const home = newHome();
    await ok(['generate', 'prod', ...SEED], home);
    const file = path.join(home, 'stacks', 'prod', '.env');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secrets = secretsOf(envOf(home, 'prod'));
    expect(Object.keys(secrets).sort()).toEqual(['BERTH_AUTH_TOKEN', 'BERTH_SECRET_KEY', 'GRAFANA_ADMIN_PASSWORD', 'INFLUXDB_PASSWORD', 'INFLUXDB_TOKEN', 'POSTGRES_PASSWORD']);
    for (const v of Object.values(secrets)) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(Object.values(secrets)).size).toBe(6);
    // A second stack gets other values.
    await ok(['generate', 'other', ...SEED, '--port', '8081', '--postgres-port', '5433'], home);
    expect(secretsOf(envOf(home, 'other')).POSTGRES_PASSWORD).not.toBe(secrets.POSTGRES_PASSWORD);
  });

  it('are kept when the stack is regenerated; .env stays 0600', async () => {
    const home = newHome();
    await ok(['generate', 'prod', ...SEED], home);
    const first = envOf(home, 'prod');
    const r = await ok(['generate', 'prod', ...SEED, '--json'], home);
    expect(JSON.parse(r.stdout).generatedSecrets).toEqual([]);
    expect(envOf(home, 'prod')).toEqual(first);
    expect(fs.statSync(path.join(home, 'stacks', 'prod', '.env')).mode & 0o777).toBe(0o600);
  });

  it('adding a component keeps the existing secrets and generates only the new one', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--web', '--postgres'], home);
    const first = secretsOf(envOf(home, 'prod'));
    const r = await ok(['generate', 'prod', '--web', '--postgres', '--with', 'redis', '--json'], home);
    expect(JSON.parse(r.stdout).generatedSecrets).toEqual(['REDIS_PASSWORD']);
    expect(secretsOf(envOf(home, 'prod'))).toMatchObject(first);
  });

  it('--rotate-secrets replaces them all', async () => {
    const home = newHome();
    await ok(['generate', 'prod', ...SEED], home);
    const first = secretsOf(envOf(home, 'prod'));
    const r = await ok(['generate', 'prod', ...SEED, '--rotate-secrets', '--json'], home);
    expect(JSON.parse(r.stdout).generatedSecrets.sort()).toEqual(Object.keys(first).sort());
    const rotated = secretsOf(envOf(home, 'prod'));
    for (const k of Object.keys(first)) expect(rotated[k], k).not.toBe(first[k]);
  });

  it('--rotate-secrets keeps a secret a service reads only when its data is created, while that data exists', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--web', '--postgres'], home);
    const first = secretsOf(envOf(home, 'prod'));
    const engine = new MemoryEngine();
    engine.volumes.push({ name: 'prod_postgres-data', labels: { 'com.docker.compose.project': 'prod' } });
    const r = await ok(['generate', 'prod', '--web', '--postgres', '--rotate-secrets'], home, undefined, engine);
    expect(stderrOf(r)).toBe(
      'berth: warning: kept POSTGRES_PASSWORD: postgres reads it only when its data is first created and volume prod_postgres-data holds data made with the old one; change it inside postgres, then pass the new one with --secret POSTGRES_PASSWORD=... (or --allow-secret-change)\n',
    );
    const after = secretsOf(envOf(home, 'prod'));
    expect(after.POSTGRES_PASSWORD).toBe(first.POSTGRES_PASSWORD);
    expect(after.BERTH_AUTH_TOKEN).not.toBe(first.BERTH_AUTH_TOKEN);
    // Given explicitly, it is taken, with a reminder; the value is never shown.
    const given = await ok(['generate', 'prod', '--web', '--postgres', '--postgres-password', 'changed-in-postgres-1'], home, undefined, engine);
    expect(stderrOf(given)).toMatch(/^berth: warning: POSTGRES_PASSWORD changed, but postgres reads it only when its data is first created .*; change it inside postgres too/);
    expect(stderrOf(given)).not.toContain('changed-in-postgres-1');
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe('changed-in-postgres-1');
  });

  it('--rotate-secrets keeps such secrets when the engine cannot say whether their data exists', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--postgres'], home);
    const first = envOf(home, 'prod').POSTGRES_PASSWORD;
    const down = new MemoryEngine();
    down.listVolumes = async () => {
      throw new Error('engine down');
    };
    const r = await ok(['generate', 'prod', '--postgres', '--rotate-secrets'], home, undefined, down);
    expect(stderrOf(r)).toMatch(/^berth: warning: kept POSTGRES_PASSWORD: .*berth could not ask the Docker engine whether its data exists/);
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe(first);
  });

  it('a secret given on the command line wins, is kept afterwards, and survives --rotate-secrets when given again', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--web', '--postgres', '--postgres-password', 'first-password-1234'], home);
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe('first-password-1234');
    const token = envOf(home, 'prod').BERTH_AUTH_TOKEN;

    await ok(['generate', 'prod', '--web', '--postgres', '--postgres-password', 'second-password-1234'], home);
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe('second-password-1234');
    expect(envOf(home, 'prod').BERTH_AUTH_TOKEN).toBe(token);

    await ok(['generate', 'prod', '--web', '--postgres'], home);
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe('second-password-1234');

    await ok(['generate', 'prod', '--web', '--postgres', '--rotate-secrets', '--postgres-password', 'second-password-1234'], home);
    expect(envOf(home, 'prod').POSTGRES_PASSWORD).toBe('second-password-1234');
    expect(envOf(home, 'prod').BERTH_AUTH_TOKEN).not.toBe(token);
  });

  it('--auth-token, --secret-key and --secret NAME=value set those secrets', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--web', '--with', 'redis', '--auth-token', 'my-token-abcdefgh', '--secret-key', 'my-key-abcdefghij', '--secret', 'REDIS_PASSWORD=my-redis-pass-123'], home);
    expect(envOf(home, 'prod')).toMatchObject({ BERTH_AUTH_TOKEN: 'my-token-abcdefgh', BERTH_SECRET_KEY: 'my-key-abcdefghij', REDIS_PASSWORD: 'my-redis-pass-123' });
  });

  it('a short given secret is a warning that does not show it', async () => {
    const home = newHome();
    const r = await ok(['generate', 'prod', '--web', '--auth-token', 'tiny'], home);
    expect(stderrOf(r)).toBe('berth: warning: secret BERTH_AUTH_TOKEN is short (4 characters); a generated one has 43\n');
  });
});

describe('a hand-edited .env', () => {
  it('a kept line berth cannot write back names the file and line, and nothing is written', async () => {
    const home = newHome();
    await ok(['generate', 'prod', '--web'], home);
    const file = path.join(home, 'stacks', 'prod', '.env');
    fs.appendFileSync(file, "HAND_ADDED=it's mine\n");
    const line = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    const before = fs.readFileSync(file, 'utf8');
    const r = await runCli(['generate', 'prod', '--web'], { home });
    expect(expectUsageError(r)).toBe(`${file}:${line}: the value of HAND_ADDED has a single quote, which berth cannot write back to .env; edit or remove that line`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('secrets never leave .env', () => {
  it('not in any other file, nor in the output of any command', async () => {
    const home = newHome();
    const given = ['--auth-token', 'given-token-QWERTY12', '--secret-key', 'given-key-ASDFGH345', '--postgres-password', 'given-pass-ZXCVBN678'];
    const outputs: CliResult[] = [];
    const run = async (argv: string[]) => {
      const r = await runCli(argv, { home });
      expect(r.code, argv.join(' ')).toBe(0);
      outputs.push(r);
    };
    await run(['generate', 'prod', ...SEED, '--with', 'redis,clickhouse,mongodb,kafka', ...given]);
    await run(['generate', 'prod', ...SEED, '--with', 'redis,clickhouse,mongodb,kafka', '--json']);
    await run(['generate', 'prod', ...SEED, '--with', 'redis,clickhouse,mongodb,kafka', '--dry-run']);
    await run(['generate', 'prod', ...SEED, '--with', 'redis,clickhouse,mongodb,kafka', '--dry-run', '--json']);
    for (const argv of [['show', 'prod'], ['show', 'prod', '--json'], ['list'], ['list', '--json'], ['ls'], ['config', 'prod'], ['config', 'prod', '--json'], ['catalog'], ['catalog', 'postgres']]) {
      await run(argv);
    }
    const secrets = secretsOf(envOf(home, 'prod'));
    expect(Object.keys(secrets).length).toBeGreaterThanOrEqual(10);
    expect(secrets).toMatchObject({ BERTH_AUTH_TOKEN: 'given-token-QWERTY12', BERTH_SECRET_KEY: 'given-key-ASDFGH345', POSTGRES_PASSWORD: 'given-pass-ZXCVBN678' });

    const files = readTree(path.join(home, 'stacks', 'prod'));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['docker-compose.yaml', 'stack.yaml', '.berth.json', '.env']));
    for (const [name, value] of Object.entries(secrets)) {
      for (const [file, text] of Object.entries(files)) if (file !== '.env') expect(text.includes(value), `${name} in ${file}`).toBe(false);
      for (const r of outputs) {
        expect(r.stdout.includes(value), `${name} on stdout`).toBe(false);
        expect(r.stderr.includes(value), `${name} on stderr`).toBe(false);
      }
    }
    // The Compose file refers to them instead.
    expect(files['docker-compose.yaml']).toContain('${POSTGRES_PASSWORD}');
    expect(files['docker-compose.yaml']).toContain('${BERTH_AUTH_TOKEN}');
    // show --json names them, without values.
    const show = JSON.parse(outputs.find((o) => o.stdout.includes('"envNames"'))!.stdout);
    expect(show.envNames).toEqual(Object.keys(secrets).sort());
  });

  it('secrets given on the command line do not leak through errors either', async () => {
    const home = newHome();
    const r = await runCli(['generate', 'prod', '--web', '--reporting', '--auth-token', 'leak-me-not-123456'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('leak-me-not');
    const bad = await runCli(['generate', 'prod', '--web', '--auth-token', 'leak me not 123456'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('leak');
    const malformed = await runCli(['generate', 'prod', '--web', '--secret', 'leak-me-not-123456'], { home });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).not.toContain('leak');
  });
});

describe('secretsFromEnv', () => {
  const spec = 'secretsFromEnv: [POSTGRES_PASSWORD]\nservices:\n  postgres: {}\n  redis: {}\n';
  it('keeps the named secrets out of .env and generates the others', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, spec);
    const r = await ok(['generate', 'prod', '-f', file, '--json'], home);
    expect(JSON.parse(r.stdout).generatedSecrets).toEqual(['REDIS_PASSWORD']);
    const env = fs.readFileSync(path.join(home, 'stacks', 'prod', '.env'), 'utf8');
    expect(env).not.toMatch(/^POSTGRES_PASSWORD=/m);
    expect(env).toContain('# secrets read from the environment at berth up, never stored here:\n#   POSTGRES_PASSWORD');
    const given = await runCli(['generate', 'prod', '-f', file, '--postgres-password', 'x-123456789012'], { home, engine: new MemoryEngine() });
    expect(given.code).toBe(2);
    expect(given.stderr).toBe('berth: error: secret POSTGRES_PASSWORD: stack.yaml reads it from the environment (secretsFromEnv), so it is not stored; export it before berth up instead\n');
  });

  it('up refuses to start without them, naming them', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, spec);
    await ok(['generate', 'prod', '-f', file], home);
    const engine = new MemoryEngine();
    const r = await runCli(['up', 'prod', '--no-wait'], { home, engine, env: { POSTGRES_PASSWORD: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('berth: error: POSTGRES_PASSWORD is not set: stack prod reads it from the environment (secretsFromEnv); export it first, e.g. POSTGRES_PASSWORD=$(your-secret-manager read ...) berth up prod\n');
  });

  it('names only secrets the stack has', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, 'secretsFromEnv: [DB_PASSWORD]\nservices:\n  postgres: {}\n');
    const r = await runCli(['generate', 'prod', '-f', file], { home, engine: new MemoryEngine() });
    expect(r.stderr).toBe('berth: error: secretsFromEnv: DB_PASSWORD is not a secret of this stack; its secrets: POSTGRES_PASSWORD\n');
  });
});

describe('secrets from a provider', () => {
  const spec = 'secrets:\n  POSTGRES_PASSWORD: env:PG_PW\nservices:\n  postgres: {}\n  redis: {}\n';
  const setup = async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, spec);
    await ok(['generate', 'prod', '-f', file], home);
    return { home, file };
  };

  it('are kept out of .env, named with their source in its comments and in berth show, and never given with --secret', async () => {
    const { home, file } = await setup();
    const env = fs.readFileSync(path.join(home, 'stacks', 'prod', '.env'), 'utf8');
    expect(env).not.toMatch(/^POSTGRES_PASSWORD=/m);
    expect(env).toContain('# secrets read from their providers at berth up and deploy, never stored here:\n#   POSTGRES_PASSWORD from env:PG_PW');
    const show = await ok(['show', 'prod'], home);
    expect(show.stdout).toContain('secrets read at up and deploy, never stored: POSTGRES_PASSWORD from env:PG_PW');
    const given = await runCli(['generate', 'prod', '-f', file, '--secret', 'POSTGRES_PASSWORD=x-123456789012'], { home, engine: new MemoryEngine() });
    expect(given.stderr).toBe('berth: error: secret POSTGRES_PASSWORD: stack.yaml reads it from env:PG_PW, so it is not stored; set it there instead\n');
  });

  it('up reads them and gives them to Compose in its environment, never in argv or a dry run\'s output', async () => {
    const { home } = await setup();
    const runner = new RecordingRunner((cmd) => (cmd.argv.includes('version') ? { stdout: '2.29.0\n' } : undefined));
    const r = await runCli(['up', 'prod', '--no-wait'], { home, runner, engine: new MemoryEngine(), env: { PG_PW: 'pw-from-provider-1' } });
    expect(r.stderr).toBe('');
    const creates = runner.commands.filter((c) => c.argv.includes('--no-start'));
    expect(creates.length).toBeGreaterThan(0);
    for (const c of creates) expect(c.secretEnv).toEqual({ POSTGRES_PASSWORD: 'pw-from-provider-1' });
    expect(JSON.stringify(runner.commands.map((c) => [c.argv, c.env]))).not.toContain('pw-from-provider-1');
    const dry = await runCli(['up', 'prod', '--dry-run'], { home, engine: new MemoryEngine(), env: { PG_PW: 'pw-from-provider-1' } });
    expect(dry.code).toBe(0);
    expect(dry.stdout + dry.stderr).not.toContain('pw-from-provider-1');
    // A command that creates nothing asks no provider: the name is given empty, so Compose does not warn.
    const down = new RecordingRunner((cmd) => (cmd.argv.includes('version') ? { stdout: '2.29.0\n' } : undefined));
    expect((await runCli(['down', 'prod'], { home, runner: down, engine: new MemoryEngine() })).code).toBe(0);
    expect(down.commands.find((c) => c.argv.includes('down'))?.secretEnv).toEqual({ POSTGRES_PASSWORD: '' });
  });

  it('up fails before starting anything when a provider fails, naming the secret, the source and the fix', async () => {
    const { home } = await setup();
    const runner = new RecordingRunner();
    const r = await runCli(['up', 'prod', '--no-wait'], { home, runner, engine: new MemoryEngine(), env: { PG_PW: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("berth: error: secret POSTGRES_PASSWORD (from env:PG_PW): PG_PW is not set in berth's environment; export it before running berth\n");
    expect(runner.commands.filter((c) => c.argv.includes('up'))).toEqual([]);
  });

  it('names only secrets the stack has, and not one also in secretsFromEnv', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, 'secrets: {DB_PASSWORD: "pass:x"}\nservices:\n  postgres: {}\n');
    const r = await runCli(['generate', 'prod', '-f', file], { home, engine: new MemoryEngine() });
    expectUsageError(r, 'secrets.DB_PASSWORD: DB_PASSWORD is not a secret of this stack; its secrets: POSTGRES_PASSWORD');
    fs.writeFileSync(file, 'secretsFromEnv: [POSTGRES_PASSWORD]\nsecrets: {POSTGRES_PASSWORD: "pass:x"}\nservices:\n  postgres: {}\n');
    const both = await runCli(['generate', 'prod', '-f', file, '--json'], { home, engine: new MemoryEngine() });
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout).error).toMatchObject({ code: 'usage', path: 'secrets.POSTGRES_PASSWORD', message: expect.stringContaining('is also in secretsFromEnv; take it from one place') });
  });
});
