/**
 * A secret berth did not make (a provider's, the environment's, one given on
 * the command line) that would break the URL it is written into is refused
 * before anything is written or started, naming the secret, where it came
 * from and the variable it would break, never the value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { RecordingRunner } from '../../src/engine/runner.js';
import { secretsInUrls, urlBreaker } from '../../src/model/url-secrets.js';
import { resolveYaml } from '../unit/_resolve.js';
import { newHome } from './_util.js';

const SPEC = 'services:\n  postgres: {}\n  worker:\n    component: worker\n    image: x/worker:1\n    command: [work]\n';
const v2 = () => new RecordingRunner((cmd) => (cmd.argv.includes('version') ? { stdout: '2.29.0\n' } : undefined));

async function stack(extra: string) {
  const home = newHome();
  const file = path.join(home, 'stack.yaml');
  fs.writeFileSync(file, extra + SPEC);
  const r = await runCli(['generate', 'prod', '-f', file], { home, engine: new MemoryEngine() });
  expect(r.code, r.stderr).toBe(0);
  return home;
}

describe('secrets written into URLs', () => {
  it('are found where a value starting with scheme:// refers to them', () => {
    const s = resolveYaml(SPEC);
    expect(secretsInUrls(s.services)).toEqual({ POSTGRES_PASSWORD: ['worker.DATABASE_URL'] });
  });

  it('break on characters that end or change a URL part, and only those', () => {
    for (const bad of ['p@ss', 'a/b', 'a?b', 'a#b', '50%', 'a b', 'a\nb', 'a[b']) expect(urlBreaker(bad), bad).toBeDefined();
    for (const fine of ['Abc-123_x.y~z', "a!$&'()*+,;=:b"]) expect(urlBreaker(fine), fine).toBeUndefined();
    expect(urlBreaker('p@ss')).toBe('"@"');
  });

  it("from a provider: up refuses before starting anything, and says nothing of the value", async () => {
    const home = await stack('secrets: {POSTGRES_PASSWORD: "env:PG_PW"}\n');
    const runner = v2();
    const r = await runCli(['up', 'prod', '--no-wait', '--json'], { home, runner, engine: new MemoryEngine(), env: { PG_PW: 'hunter@2024secret' } });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', path: 'POSTGRES_PASSWORD' });
    expect(JSON.parse(r.stdout).error.message).toMatch(/^POSTGRES_PASSWORD: the value from env:PG_PW holds "@", which breaks the URL in worker\.DATABASE_URL; use a value of letters/);
    expect(r.stdout + r.stderr).not.toContain('hunter');
    expect(runner.commands.filter((c) => c.argv.includes('up') || c.argv.includes('create'))).toEqual([]);
  });

  it('from the environment (secretsFromEnv): the same', async () => {
    const home = await stack('secretsFromEnv: [POSTGRES_PASSWORD]\n');
    const r = await runCli(['up', 'prod', '--no-wait'], { home, runner: v2(), engine: new MemoryEngine(), env: { POSTGRES_PASSWORD: 'abc#def-ghi-jkl' } });
    expect(r.stderr).toBe(
      "berth: error: POSTGRES_PASSWORD: the value from berth's environment (secretsFromEnv) holds \"#\", which breaks the URL in worker.DATABASE_URL; use a value of letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : (berth's generated secrets are), and change it where the service reads it too\n",
    );
    expect(r.code).toBe(2);
  });

  it('given on the command line: generate writes nothing', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    fs.writeFileSync(file, SPEC);
    const r = await runCli(['generate', 'prod', '-f', file, '--secret', 'POSTGRES_PASSWORD=a/b-1234567890'], { home, engine: new MemoryEngine() });
    expect(r.stderr).toMatch(/^berth: error: POSTGRES_PASSWORD: the value from the command line holds "\/", which breaks the URL in worker\.DATABASE_URL/);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(home, 'stacks', 'prod'))).toBe(false);
  });
});
