/**
 * A stack's lock on a node: one deploy or rollback of a stack on a host at a
 * time, whoever runs it and from wherever. The lock is a folder made
 * atomically (mkdir) on the host, holding its owner (machine, pid, command,
 * time); a lock whose owner is a process of this machine that is gone is
 * stale and taken over. Others are waited for, then named with the fix.
 */
import os from 'node:os';
import { BerthError } from '../errors.js';
import { alive, startTime } from '../store/lock.js';
import type { LockStore } from '../store/store.js';
import type { Runner } from './runner.js';

interface Owner {
  machine: string;
  pid: number;
  started?: string;
  command: string;
  since: string;
}

const TAKE = 'mkdir -p "$1" && mkdir "$2" 2>/dev/null && printf "%s\\n" "$3" > "$2/owner"';

function readOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Owner;
    return typeof o.pid === 'number' && typeof o.machine === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Locks kept in `dir` on the host `runner` works on (`where` names it in messages). */
export function remoteLocks(runner: Runner, dir: string, where: string, timeoutMs = 10 * 60_000): LockStore {
  return {
    async withLock(name, command, fn, onWait) {
      const lock = `${dir}/${name}.lock`;
      const me: Owner = { machine: os.hostname(), pid: process.pid, started: startTime(process.pid), command, since: new Date().toISOString() };
      const deadline = Date.now() + timeoutMs;
      for (let told = false; ; ) {
        if ((await runner.run({ argv: ['sh', '-c', TAKE, 'sh', dir, lock, JSON.stringify(me)] })).code === 0) break;
        const owner = readOwner((await runner.run({ argv: ['cat', `${lock}/owner`] })).stdout);
        if (owner && owner.machine === me.machine && !alive(owner)) {
          await runner.run({ argv: ['rm', '-rf', lock] });
          continue;
        }
        const holder = owner ? `berth ${owner.command} from ${owner.machine} (pid ${owner.pid}, since ${owner.since})` : 'another berth command';
        if (Date.now() > deadline) {
          throw new BerthError(`${name} on ${where} is locked by ${holder}; wait for it to finish, or if it is gone, remove ${lock} on the host`, { code: 'locked' });
        }
        if (!told) (onWait?.(holder), (told = true));
        await sleep(1000);
      }
      try {
        return await fn();
      } finally {
        await runner.run({ argv: ['rm', '-rf', lock] });
      }
    },
  };
}
