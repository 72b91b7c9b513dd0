/**
 * One berth command per stack at a time. The lock is a directory created
 * atomically (mkdir) holding the owner's pid, start time and command; a lock
 * whose process is gone (or whose pid now names another process) is stale and
 * taken over. Waiters poll until the holder finishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { BerthError } from '../errors.js';

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** Called once when the lock is busy, with the holder's description. */
  onWait?: (holder: string) => void;
}

/**
 * When a process started, in clock ticks since boot (/proc/<pid>/stat field 22):
 * with the pid, it names one process, so a pid reused after a crash or a
 * reboot is not mistaken for the owner. Undefined where there is no /proc.
 */
export function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that took a lock still runs: its pid is alive and, when known, started when the owner did. */
export function alive(owner: { pid: number; started?: string }): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return owner.started === undefined || startTime(owner.pid) === undefined || startTime(owner.pid) === owner.started;
}

/** The lock's owner record, versioned; one berth cannot read (damaged, or a newer format) counts as none: a half-made lock. */
const OwnerSchema = v.object({
  format: v.optional(v.literal(1)),
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  command: v.string(),
  started: v.optional(v.string()),
});

type Owner = v.InferOutput<typeof OwnerSchema>;

function readOwner(dir: string): Owner | undefined {
  try {
    const r = v.safeParse(OwnerSchema, JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a live berth command holds the stack's lock right now (a lock of a dead process, or an old half-made one, is not held). */
export function isLocked(home: string, stack: string): boolean {
  const dir = path.join(home, 'locks', `${stack}.lock`);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return false;
  const owner = readOwner(dir);
  return owner ? alive(owner) : Date.now() - stat.mtimeMs <= 5000;
}

export async function withLock<T>(home: string, stack: string, command: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const locks = path.join(home, 'locks');
  fs.mkdirSync(locks, { recursive: true, mode: 0o700 });
  const dir = path.join(locks, `${stack}.lock`);
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ format: 1, pid: process.pid, command, started: startTime(process.pid) } satisfies Owner));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(dir);
      if (owner && !alive(owner)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!owner) {
        // Being created right now, or left half-made by a crash: stale after a grace period.
        const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > 5000) fs.rmSync(dir, { recursive: true, force: true });
      }
      if (Date.now() > deadline) {
        throw new BerthError(`stack ${stack} is locked by ${owner ? `berth ${owner.command} (pid ${owner.pid})` : 'another berth command'}; wait for it to finish`, { code: 'locked' });
      }
      if (!told && owner) {
        opts.onWait?.(`berth ${owner.command} (pid ${owner.pid})`);
        told = true;
      }
      await sleep(delay);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
