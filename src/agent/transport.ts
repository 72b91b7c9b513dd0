/**
 * How an agent (and `berth agent token create`) talks to a berth server:
 * JSON over HTTPS, trusting the server's certificate one of three ways. A CA
 * file (--ca-file) verifies it as usual; a pinned SHA-256 fingerprint
 * (--server-fingerprint, for the self-signed certificate a server makes)
 * accepts exactly that certificate, checked after the handshake and before a
 * byte of the request (and its credential) is sent; --insecure accepts any,
 * and only when asked. Without one of them the system's CAs decide.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import fs from 'node:fs';
import type { Duplex } from 'node:stream';
import { BerthError, UsageError } from '../errors.js';

export type Trust = { kind: 'system' } | { kind: 'ca'; file: string } | { kind: 'fingerprint'; sha256: string } | { kind: 'insecure' };

export interface Reply {
  status: number;
  body: any;
}

/** `AB:CD:...` (as openssl and the server's log print it) or plain hex: 64 lowercase hex digits. */
export function normalFingerprint(given: string): string {
  const hex = given.trim().replace(/^sha256[:=]/i, '').replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError(`--server-fingerprint: ${JSON.stringify(given)} is not a SHA-256 fingerprint; copy it from the server's log line (AB:CD:...), or from openssl x509 -noout -fingerprint -sha256 -in tls.crt`);
  return hex;
}

/** A connection that is handed to the request only once the certificate is the pinned one. */
function pinnedAgent(sha256: string): https.Agent {
  const agent = new https.Agent({ keepAlive: true });
  (agent as unknown as { createConnection: unknown }).createConnection = (opts: tls.ConnectionOptions, done: (e: Error | null, s?: Duplex) => void) => {
    const socket = tls.connect({ ...opts, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toLowerCase();
      if (seen === sha256) return done(null, socket);
      socket.destroy();
      done(new BerthError(`the server's certificate is not the pinned one (its SHA-256 fingerprint is ${seen ?? 'unknown'}); check --server-fingerprint, or that this is your server`, { code: 'unauthorized' }));
    });
    socket.once('error', (e) => done(e));
    return undefined;
  };
  return agent;
}

export class Transport {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(serverUrl: string, trust: Trust) {
    this.base = new URL(serverUrl);
    if (this.base.protocol === 'http:') this.agent = new http.Agent({ keepAlive: true });
    else if (trust.kind === 'fingerprint') this.agent = pinnedAgent(trust.sha256);
    else if (trust.kind === 'ca') this.agent = new https.Agent({ keepAlive: true, ca: readCa(trust.file) });
    else this.agent = new https.Agent({ keepAlive: true, rejectUnauthorized: trust.kind !== 'insecure' });
  }

  request(method: string, path: string, o: { body?: unknown; bearer?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Reply> {
    const url = new URL(path, this.base);
    const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(body.length) });
    if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, timeout: o.timeoutMs ?? 30_000, signal: o.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new BerthError(`${method} ${url.pathname}: the server did not answer in time`, { code: 'failed' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readCa(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A server's error answer as one of berth's errors (its code and message), or a plain failure. */
export function replyError(what: string, r: Reply): BerthError {
  const e = r.body?.error;
  if (e && typeof e.message === 'string') return new BerthError(`${what}: ${e.message}`, { code: e.code ?? 'failed' });
  return new BerthError(`${what}: the server answered ${r.status}`, { code: 'failed' });
}
