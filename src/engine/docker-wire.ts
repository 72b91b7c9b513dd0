/**
 * The wire under the Engine API client: where the engine listens (from
 * DOCKER_HOST), what an answer looks like, and how to read its framed log
 * streams and error bodies.
 */
import { UsageError } from '../errors.js';

export interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

export interface Endpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  text: string;
}

const HOST_FIX = 'set it to unix:///var/run/docker.sock (or your engine\'s socket) or tcp://host:2375, or unset it for the default socket';

function badHost(message: string): UsageError {
  return new UsageError(message, undefined, { path: 'DOCKER_HOST' });
}

/** Where the engine listens, from DOCKER_HOST; anything berth cannot talk to is a usage error naming DOCKER_HOST. */
export function endpointFromEnv(env: Readonly<Record<string, string | undefined>>): Endpoint {
  const h = env.DOCKER_HOST?.trim();
  if (!h) return { socketPath: '/var/run/docker.sock', text: 'unix:///var/run/docker.sock' };
  if (h.startsWith('unix://')) {
    // An empty path would make Node's http client fall back to localhost:80, and whatever answers there.
    if (h.length === 'unix://'.length) throw badHost(`DOCKER_HOST=${h} has no socket path; ${HOST_FIX}`);
    return { socketPath: h.slice('unix://'.length), text: h };
  }
  if (h.startsWith('tcp://')) {
    const tcp = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?\/?$/.exec(h);
    const port = Number(tcp?.[2] ?? 2375);
    if (!tcp || port < 1 || port > 65535) throw badHost(`DOCKER_HOST=${h} is not tcp://host:port; ${HOST_FIX}`);
    return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port, text: h };
  }
  const ssh = /^ssh:\/\/([^/:]+)(?::(\d+))?/.exec(h);
  if (ssh) {
    const forward = `ssh -N -L /tmp/docker.sock:/var/run/docker.sock${ssh[2] ? ` -p ${ssh[2]}` : ''} ${ssh[1]}`;
    throw badHost(`DOCKER_HOST=${h}: berth talks to unix:// and tcp:// engines, not ssh://; run berth on that host, or forward its socket (${forward}) and set DOCKER_HOST=unix:///tmp/docker.sock`);
  }
  throw badHost(`DOCKER_HOST=${h} is not an engine address berth can use (unix:// or tcp://); ${HOST_FIX}`);
}

/** Splits the multiplexed stdout/stderr stream of a non-TTY container's logs. */
export function demuxLogs(buf: Buffer): string {
  if (buf.length >= 8 && (buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0) {
    const parts: Buffer[] = [];
    let off = 0;
    while (off + 8 <= buf.length) {
      const len = buf.readUInt32BE(off + 4);
      parts.push(buf.subarray(off + 8, off + 8 + len));
      off += 8 + len;
    }
    return Buffer.concat(parts).toString('utf8');
  }
  return buf.toString('utf8');
}

/** The engine's own words from an error body ({"message": ...}), else the body as text. */
export function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: the text itself
  }
  return text;
}

