/**
 * The built bin under faults users meet: a reader that closes the pipe early,
 * errors with --json, a DOCKER_HOST berth cannot use, a BERTH_HOME that is a
 * file, a misspelt flag with a secret after it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type Run } from './harness.js';

const engine = inject('engine');
const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'berth.js');

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  first: string;
  stderr: string;
}

/**
 * Runs berth with its stdout read by a reader that closes the pipe after the
 * first line (`| head -1`), or before berth writes anything (`lines: 0`).
 */
function closedEarly(home: string, args: string[], lines: 0 | 1 = 1): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BERTH_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    if (lines === 0) child.stdout.destroy();
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, first: out.split('\n')[0]!, stderr }));
  });
}

/** A shell pipeline under pipefail: its exit code is berth's when the reader succeeds. */
function pipeline(home: string, command: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('bash', ['-o', 'pipefail', '-c', command.replaceAll('berth ', `'${process.execPath}' '${BIN}' `)], { env: { ...process.env, BERTH_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('a reader that closes the pipe early: berth stops quietly with exit 0', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(async () => sb?.cleanup());

  it('catalog, the reader gone before berth writes', async () => {
    const r = await closedEarly(sb.home, ['catalog'], 0);
    expect(r).toEqual({ code: 0, signal: null, first: '', stderr: '' });
  });

  it('berth catalog | head -1 under pipefail', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await pipeline(sb.home, 'berth catalog | head -1');
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^COMPONENT +CATEGORY/);
      expect(r.code).toBe(0);
    }
  });
});

describe('errors from the built bin', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(async () => sb?.cleanup());

  it('a misspelt flag: one line, the suggestion, never the value', async () => {
    const r = await sb.berth(['generate', 'x', '--postgres-pasword=S3cret']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'berth: error: unknown option --postgres-pasword; did you mean --postgres-password? see berth generate --help\n' });
    expect((await sb.berth(['help', 'frob'])).code).toBe(2);
  });

  it('--json: one JSON object on stdout, from the parser, the status fast path and an engine address', async () => {
    const parser = await sb.berth(['generate', '--json']);
    expect(parser).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(parser.stdout)).toEqual({ error: { code: 'usage', message: "missing required argument 'name'; see berth generate --help" } });
    const fast = await sb.berth(['status', 'nope', '--json']);
    expect(fast).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(fast.stdout).error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^no stack named nope/) });
    const host = await sb.berth(['status', '--json'], { env: { DOCKER_HOST: 'unix://' } });
    expect(host).toMatchObject({ code: 2, stderr: '' });
    expect(JSON.parse(host.stdout).error).toMatchObject({ code: 'usage', path: 'DOCKER_HOST' });
  });

  it('DOCKER_HOST berth cannot use: one line naming it and the fix', async () => {
    const empty = await sb.berth(['status'], { env: { DOCKER_HOST: 'unix://' } });
    expect(empty).toMatchObject({ code: 2, stdout: '' });
    expect(empty.stderr).toMatch(/^berth: error: DOCKER_HOST=unix:\/\/ has no socket path; set it to unix:\/\/\/var\/run\/docker\.sock[^\n]*\n$/);
    const ssh = await sb.berth(['status'], { env: { DOCKER_HOST: 'ssh://deploy@build-1' } });
    expect(ssh.code).toBe(2);
    expect(ssh.stderr).toContain('run berth on that host, or forward its socket (ssh -N -L /tmp/docker.sock:/var/run/docker.sock deploy@build-1) and set DOCKER_HOST=unix:///tmp/docker.sock');
  });

  it('BERTH_HOME is a file: one line naming it, exit 1', async () => {
    const file = path.join(sb.home, 'a-file');
    fs.writeFileSync(file, '');
    const r = await sb.berth(['generate', 'a', '--postgres'], { env: { BERTH_HOME: file } });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `berth: error: cannot create ${file}/locks: ${file} is a file, not a folder (ENOTDIR); move that file away or set BERTH_HOME to a folder\n` });
  });
});

describe.skipIf(!engine)('a running stack: logs and exec with pipes that close', () => {
  let sb: Sandbox;
  let name: string;
  beforeAll(async () => {
    sb = new Sandbox();
    name = sb.name('pipes');
    await sb.generate(name, ['services:', '  redis: {}', '  ticker:', '    component: app', '    image: berth-test/redis:latest', '    command: "seq 1 20000; while true; do echo tick; sleep 0.1; done"', ''].join('\n'));
    const up = await sb.berth(['up', name, '--timeout', '120']);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
  });
  afterAll(async () => sb?.cleanup());

  it('logs -f --json, the reader closing after the first line: exit 0 at once', async () => {
    const r = await closedEarly(sb.home, ['logs', name, 'ticker', '-f', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.first)).toMatchObject({ service: 'ticker', line: '1' });
  });

  it('berth logs --json | head -1 under pipefail', async () => {
    const r = await pipeline(sb.home, `berth logs ${name} --json | head -1`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('line');
  });

  it('berth logs | head -1 under pipefail: Compose writing to the closed pipe ends quietly too', async () => {
    for (const follow of [[], ['-f']]) {
      const r = await pipeline(sb.home, `berth logs ${name} ticker ${follow.join(' ')} | head -1`);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').length).toBe(2);
    }
  });

  it('exec -- true, many times: never a crash on a child that exits before its input is written', async () => {
    for (let batch = 0; batch < 2; batch++) {
      const runs = await Promise.all(Array.from({ length: 8 }, () => sb.berth(['exec', name, 'redis', '--', 'true'])));
      for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    }
  });
});
