/**
 * What `berth serve` runs with, from its flags and environment, checked
 * before anything starts: the mode, where it listens, TLS, the data folder,
 * where its records are, and the token. A missing or short token refuses to
 * start (unless nothing needs one: a reporting server with --public and
 * --public-metrics), with the fix.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { recordsLocation, type RecordsLocation } from '../store/records/db.js';
import type { ServerMode } from './context.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  /** false with --no-tls. */
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  dataDir?: string;
  public?: boolean;
  publicMetrics?: boolean;
}

export type TlsChoice = { kind: 'self-signed' } | { kind: 'files'; cert: string; key: string } | { kind: 'none' };

export interface ServeConfig {
  mode: ServerMode;
  port: number;
  host: string;
  tls: TlsChoice;
  dataDir: string;
  records: RecordsLocation;
  token?: string;
  readOnly: boolean;
  publicApi: boolean;
  publicMetrics: boolean;
}

/** Shorter tokens are guessable; berth generate makes 32+ characters. */
const MIN_TOKEN = 16;

function modeOf(given: string): ServerMode {
  if (given === 'web' || given === 'reporting') return given;
  throw new UsageError(`serve: ${JSON.stringify(given)} is not a server; use berth serve web (REST API) or berth serve reporting (read-only)`);
}

function portOf(given: string | undefined): number {
  const port = Number(given ?? '8080');
  // 0: any free port (the server says which).
  if (!/^\d+$/.test(given ?? '8080') || port > 65535) throw new UsageError(`--port: ${JSON.stringify(given)} is not a port (1-65535, or 0 for any free one)`);
  return port;
}

function tlsOf(f: ServeFlags, cwd: string): TlsChoice {
  if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) throw new UsageError(`${f.tlsCert === undefined ? '--tls-key' : '--tls-cert'}: give both --tls-cert and --tls-key, or neither (a self-signed certificate)`);
  if (f.tls === false && f.tlsCert !== undefined) throw new UsageError('--no-tls: cannot be given with --tls-cert/--tls-key');
  if (f.tls === false) return { kind: 'none' };
  if (f.tlsCert !== undefined) return { kind: 'files', cert: path.resolve(cwd, f.tlsCert), key: path.resolve(cwd, f.tlsKey!) };
  return { kind: 'self-signed' };
}

function tokenOf(env: Readonly<Record<string, string | undefined>>, needed: boolean): string | undefined {
  const token = env.BERTH_AUTH_TOKEN?.trim();
  if (!needed) return token || undefined;
  if (!token) throw new UsageError('BERTH_AUTH_TOKEN: is not set; berth serve answers API calls only with this bearer token: set it (e.g. export BERTH_AUTH_TOKEN=$(openssl rand -hex 32))', undefined, { path: 'BERTH_AUTH_TOKEN' });
  if (token.length < MIN_TOKEN) throw new UsageError(`BERTH_AUTH_TOKEN: is shorter than ${MIN_TOKEN} characters, too easy to guess; use a long random one (e.g. openssl rand -hex 32)`, undefined, { path: 'BERTH_AUTH_TOKEN' });
  return token;
}

export function serveConfig(mode: string, f: ServeFlags, env: Readonly<Record<string, string | undefined>>, home: string, cwd: string): ServeConfig {
  const m = modeOf(mode);
  if (f.public && m !== 'reporting') throw new UsageError('--public: only a reporting server can be public (it changes nothing); the web server always needs the token');
  const host = f.host ?? '0.0.0.0';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new UsageError(`--host: ${JSON.stringify(host)} is not an address to listen on (e.g. 0.0.0.0, 127.0.0.1, ::)`);
  const dataDir = path.resolve(cwd, f.dataDir ?? env.BERTH_DATA_DIR ?? path.join(home, 'server'));
  const publicApi = !!f.public;
  const publicMetrics = !!f.publicMetrics;
  return {
    mode: m,
    port: portOf(f.port),
    host,
    tls: tlsOf(f, cwd),
    dataDir,
    records: recordsLocation(env, dataDir),
    token: tokenOf(env, !(publicApi && publicMetrics)),
    readOnly: m === 'reporting' || env.BERTH_READ_ONLY === 'true',
    publicApi,
    publicMetrics,
  };
}
