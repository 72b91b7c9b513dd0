import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isLocked, withLock } from '../../src/store/lock.js';

/** A temp dir removed when the test finishes. */
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lock-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid of a process that has exited (so no process has it, until the kernel reuses it). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('withLock', () => {
  it('returns what fn returns and removes the lock', async () => {
    const home = tmp();
    expect(await withLock(home, 'prod', 'generate', () => 42)).toBe(42);
    expect(fs.readdirSync(path.join(home, 'locks'))).toEqual([]);
  });

  it('records the owner while held', async () => {
    const home = tmp();
    await withLock(home, 'prod', 'generate', () => {
      const owner = JSON.parse(fs.readFileSync(path.join(home, 'locks', 'prod.lock', 'owner.json'), 'utf8'));
      expect(owner).toEqual({ format: 1, pid: process.pid, command: 'generate', started: expect.stringMatching(/^\d+$/) });
    });
  });

  it('releases the lock when fn throws', async () => {
    const home = tmp();
    await expect(withLock(home, 'prod', 'generate', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(path.join(home, 'locks', 'prod.lock'))).toBe(false);
    expect(await withLock(home, 'prod', 'generate', () => 'again')).toBe('again');
  });

  it('two concurrent calls on one stack run one after the other', async () => {
    const home = tmp();
    const events: string[] = [];
    const waits: string[] = [];
    const job = (id: string) => async () => {
      events.push(`${id} start`);
      await sleep(80);
      events.push(`${id} end`);
      return id;
    };
    const results = await Promise.all([
      withLock(home, 'prod', 'generate', job('a')),
      withLock(home, 'prod', 'up', job('b'), { onWait: (h) => waits.push(h) }),
    ]);
    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(waits).toEqual([`berth generate (pid ${process.pid})`]);
  });

  it('calls on different stacks do not wait for each other', async () => {
    const home = tmp();
    const events: string[] = [];
    const job = (id: string) => async () => {
      events.push(`${id} start`);
      await sleep(50);
      events.push(`${id} end`);
    };
    await Promise.all([withLock(home, 'a', 'x', job('a')), withLock(home, 'b', 'x', job('b'))]);
    expect(events.slice(0, 2).sort()).toEqual(['a start', 'b start']);
  });

  it('takes over a stale lock whose process is gone', async () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    const pid = deadPid();
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid, command: 'generate' }));
    const waits: string[] = [];
    expect(await withLock(home, 'prod', 'up', () => 'ran', { timeoutMs: 2000, onWait: (h) => waits.push(h) })).toBe('ran');
    expect(waits).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('takes over a lock whose pid now names another process (reused after a crash or a reboot)', async () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    // Our own pid, alive, but with a start time that is not ours: the owner is gone.
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, command: 'up', started: '1' }));
    expect(isLocked(home, 'prod')).toBe(false);
    expect(await withLock(home, 'prod', 'down', () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });

  it('takes over a half-made lock (no owner file) once it is old', async () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(dir, old, old);
    expect(await withLock(home, 'prod', 'up', () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });

  it('gives up after the timeout naming the holder, and leaves the holder\'s lock alone', async () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, command: 'backup' }));
    let ran = false;
    await expect(
      withLock(home, 'prod', 'generate', () => {
        ran = true;
      }, { timeoutMs: 150 }),
    ).rejects.toThrow(`stack prod is locked by berth backup (pid ${process.pid}); wait for it to finish`);
    expect(ran).toBe(false);
    expect(fs.existsSync(path.join(dir, 'owner.json'))).toBe(true);
  });
});

describe('isLocked', () => {
  it('is true only while a live process holds the lock', async () => {
    const home = tmp();
    expect(isLocked(home, 'prod')).toBe(false);
    await withLock(home, 'prod', 'generate', () => {
      expect(isLocked(home, 'prod')).toBe(true);
      expect(isLocked(home, 'other')).toBe(false);
    });
    expect(isLocked(home, 'prod')).toBe(false);
  });

  it('a lock of a dead process, or an old half-made one, is not held; a fresh half-made one is', () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    expect(isLocked(home, 'prod')).toBe(true);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(dir, old, old);
    expect(isLocked(home, 'prod')).toBe(false);
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: deadPid(), command: 'generate' }));
    expect(isLocked(home, 'prod')).toBe(false);
  });
});

describe('a lock owner record berth cannot read', () => {
  it('(damaged, or of another shape) counts as a half-made lock: taken over once it is old, never trusted', async () => {
    const home = tmp();
    const dir = path.join(home, 'locks', 'prod.lock');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: 'not a pid', command: 7 }));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(dir, old, old);
    expect(await withLock(home, 'prod', 'up', () => 'taken over')).toBe('taken over');
  });
});
