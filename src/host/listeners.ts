/**
 * Who holds a TCP port on this host: listening sockets from /proc/net/tcp{,6},
 * matched to a process through /proc/<pid>/fd. Linux only; elsewhere a bind
 * probe says "taken" without naming the holder.
 */
import fs from 'node:fs';
import net from 'node:net';

function listeningInodes(): Map<number, string> {
  const out = new Map<number, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      const port = parseInt(f[1]!.split(':')[1]!, 16);
      if (!out.has(port)) out.set(port, f[9]!);
    }
  }
  return out;
}

function processHolding(inode: string): string | undefined {
  const target = `socket:[${inode}]`;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) {
          const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
          return `${comm} (pid ${pid})`;
        }
      } catch {
        /* gone or not ours */
      }
    }
  }
  return undefined;
}

/** A probe for the resolver: the holder of each listening port, found lazily and cached. */
export function hostListenerProbe(): (port: number) => string | undefined {
  let inodes: Map<number, string> | undefined;
  const cache = new Map<number, string | undefined>();
  return (port) => {
    if (process.platform !== 'linux') return undefined;
    inodes ??= listeningInodes();
    const inode = inodes.get(port);
    if (!inode) return undefined;
    if (!cache.has(port)) cache.set(port, processHolding(inode) ?? 'a process of another user');
    return cache.get(port);
  };
}

/** Whether binding the port on all interfaces fails right now (any platform). */
export function portTaken(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(true));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(false)));
  });
}
