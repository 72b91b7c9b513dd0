import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { plainStatus, runStatus } from '../../src/cli/fast.js';
import type { IO } from '../../src/cli/io.js';

describe('the status fast path', () => {
  it('takes plain status calls only; everything else goes through the full CLI', () => {
    expect(plainStatus(['status'])).toEqual({ name: undefined, json: false });
    expect(plainStatus(['status', 'prod', '--json'])).toEqual({ name: 'prod', json: true });
    expect(plainStatus(['status', '--json', 'prod'])).toEqual({ name: 'prod', json: true });
    for (const argv of [['status', '--help'], ['status', '-h'], ['status', 'a', 'b'], ['status', '../x'], ['status', '--version'], ['list'], []]) {
      expect(plainStatus(argv), argv.join(' ')).toBeUndefined();
    }
  });

  /** runStatus with captured output and a private BERTH_HOME. */
  async function status(call: { name?: string; json: boolean }, env: Record<string, string> = {}) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fast-'));
    onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
    let stdout = '';
    let stderr = '';
    const io: IO = { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { ...process.env, BERTH_HOME: home, ...env }, cwd: home, isTTY: false, stdinTTY: false };
    const code = await runStatus(call, io);
    return { code, stdout, stderr };
  }

  it('with --json, its errors are one JSON object on stdout too', async () => {
    const missing = await status({ name: 'nope', json: true });
    expect(missing.stderr).toBe('');
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/^no stack named nope/) } });
    expect(missing.code).toBe(2);

    const down = await status({ json: true }, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(down.stderr).toBe('');
    expect(JSON.parse(down.stdout).error).toMatchObject({ code: 'engine_unreachable', message: expect.stringContaining('unix:///nonexistent/docker.sock') });
    expect(down.code).toBe(1);
  });

  it('without --json, one line on stderr', async () => {
    const missing = await status({ name: 'nope', json: false });
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^berth: error: no stack named nope[^\n]*\n$/);
  });
});
