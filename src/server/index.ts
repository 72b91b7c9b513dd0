/**
 * `berth serve`: the server's certificate and records, the app, and the
 * socket, in that order; anything that fails on the way is undone. What the
 * CLI loads when it runs the command, and nothing else of the CLI loads.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { BerthError, UsageError } from '../errors.js';
import type { OpsDeps } from '../ops/deps.js';
import { keptServerCert } from '../ops/tls.js';
import { openRecords } from '../store/records/db.js';
import { buildApp } from './app.js';
import type { ServeConfig } from './config.js';

export { serveConfig, type ServeConfig, type ServeFlags } from './config.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function readPem(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The certificate and key to serve with, and how to say where they came from. */
async function tlsMaterial(cfg: ServeConfig): Promise<{ https?: { cert: string; key: string }; note: string }> {
  if (cfg.tls.kind === 'none') return { note: 'no TLS (--no-tls): keep it behind a proxy that terminates TLS' };
  if (cfg.tls.kind === 'files') return { https: { cert: readPem(cfg.tls.cert, '--tls-cert'), key: readPem(cfg.tls.key, '--tls-key') }, note: `certificate ${cfg.tls.cert}` };
  const hosts = [...new Set(['localhost', '127.0.0.1', os.hostname(), ...(['0.0.0.0', '::'].includes(cfg.host) ? [] : [cfg.host])])];
  const c = await keptServerCert(path.join(cfg.dataDir, 'tls'), hosts);
  // What an agent pins (berth agent --server-fingerprint) to trust this certificate.
  const fingerprint = new X509Certificate(c.cert).fingerprint256;
  return { https: { cert: c.cert, key: c.key }, note: `self-signed certificate ${c.certFile}${c.made ? ' (made now)' : ''}, SHA-256 fingerprint ${fingerprint}` };
}

export async function startServer(cfg: ServeConfig, deps: OpsDeps, log: (line: string) => void): Promise<RunningServer> {
  fs.mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  const tls = await tlsMaterial(cfg);
  const records = await openRecords(cfg.records);
  let server;
  try {
    server = await buildApp({ mode: cfg.mode, readOnly: cfg.readOnly, token: cfg.token, secretKey: cfg.secretKey, publicApi: cfg.publicApi, publicMetrics: cfg.publicMetrics, ownStack: cfg.ownStack, deps, records, https: tls.https, log });
  } catch (e) {
    await records.close();
    throw e;
  }
  try {
    await server.app.listen({ port: cfg.port, host: cfg.host });
  } catch (e) {
    await server.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new BerthError(`--port: ${cfg.port} is taken on ${cfg.host}; stop what listens there or pick another port`, { code: 'conflict' });
    if (code === 'EACCES') throw new BerthError(`--port: ${cfg.port} needs privileges on this host; use a port above 1023`, { code: 'usage' });
    throw e;
  }
  const shown = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  // The port as bound (the kernel picks one for --port 0).
  const port = (server.app.server.address() as AddressInfo).port;
  const url = `${tls.https ? 'https' : 'http'}://${shown}:${port}`;
  log(`berth ${cfg.mode}${cfg.readOnly ? ' (read-only)' : ''} serving on ${url}; ${tls.note}`);
  log(`records in ${records.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} at ${records.where}${records.migrated.length ? ` (migrated: ${records.migrated.join(', ')})` : ''}`);
  if (cfg.publicApi) log('the API and the dashboard answer without a token (--public)');
  else if (!cfg.secretKey) log('the dashboard is off: BERTH_SECRET_KEY (the key that signs its sessions) is not set; the API answers with the token');
  else log(`the dashboard is at ${url}/ (log in with the API token)`);
  if (cfg.publicMetrics) log('/metrics answers without a token (--public-metrics)');
  return { url, close: () => server.close() };
}
