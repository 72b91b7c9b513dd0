/**
 * berth's server in its own container, managing the stacks of the machine
 * it runs on, starts as root (it holds the Docker socket, which is root on
 * the host anyway). What it writes in the user's $BERTH_HOME must stay the
 * user's, or their CLI could no longer change those stacks: so it makes its
 * own data folder the home owner's, then becomes that owner, keeping the
 * socket's group so it still reaches the engine.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups: the socket's, so the engine still answers. */
  groups: number[];
}

/** Whom to become: the home's owner, when running as root and the home is someone else's; else nobody. */
export function dropTarget(o: { uid: number; home: { uid: number; gid: number }; socketGid?: number }): Identity | undefined {
  if (o.uid !== 0 || o.home.uid === 0) return undefined;
  const groups = [...new Set([o.home.gid, ...(o.socketGid !== undefined ? [o.socketGid] : [])])];
  return { uid: o.home.uid, gid: o.home.gid, groups };
}

/** Every file and folder under `dir` (and itself) given to uid:gid; symbolic links are not followed. */
export function chownTree(dir: string, uid: number, gid: number): void {
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.uid !== uid || st.gid !== gid) fs.lchownSync(p, uid, gid);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
}

/**
 * Becomes the owner of `home` if running as root and the home is not root's:
 * `dataDir` (the server's own volume) is theirs first. Returns whom it became.
 */
export function dropToHomeOwner(home: string, dataDir: string, socket = '/var/run/docker.sock'): Identity | undefined {
  if (typeof process.getuid !== 'function' || !process.setuid || !process.setgid || !process.setgroups) return undefined;
  let st: fs.Stats;
  try {
    st = fs.statSync(home);
  } catch {
    return undefined;
  }
  let socketGid: number | undefined;
  try {
    socketGid = fs.statSync(socket).gid;
  } catch {
    // No engine here: nothing to keep reaching.
  }
  const target = dropTarget({ uid: process.getuid(), home: { uid: st.uid, gid: st.gid }, socketGid });
  if (!target) return undefined;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownTree(dataDir, target.uid, target.gid);
  process.setgroups(target.groups);
  process.setgid(target.gid);
  process.setuid(target.uid);
  return target;
}
