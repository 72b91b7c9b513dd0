/**
 * What `berth serve` runs with, from its flags and environment, checked
 * before anything starts: the mode, where it listens, TLS, the data folder,
 * where its records are, the token and the key that signs dashboard
 * sessions. A missing or short token refuses to start (unless nothing needs
 * one: a reporting server with --public and --public-metrics), with the fix;
 * so does a web server without BERTH_SECRET_KEY. A reporting server without
 * it serves its API alone (its dashboard needs no key with --public).
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { recordsLocation, type RecordsLocation } from '../store/records/db.js';
import { validateStackName } from '../store/home.js';
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
  /** BERTH_SECRET_KEY: signs dashboard sessions; without it (reporting only) the dashboard is off, unless --public. */
  secretKey?: string;
  readOnly: boolean;
  publicApi: boolean;
  publicMetrics: boolean;
  /** BERTH_OWN_STACK: the stack this server runs in (its web or reporting service), which it does not change under itself. */
  ownStack?: string;
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

const SECRETS = {
  BERTH_AUTH_TOKEN: 'berth serve answers API calls only with this bearer token',
  BERTH_SECRET_KEY: "the web dashboard signs its session cookies with it (a stack's web service gets it from .env)",
} as const;

/** A secret from the environment, long enough to be hard to guess; required when `needed`. */
function secretOf(env: Readonly<Record<string, string | undefined>>, name: keyof typeof SECRETS, needed: boolean): string | undefined {
  const value = env[name]?.trim();
  if (!value && !needed) return undefined;
  if (!value) throw new UsageError(`${name}: is not set; ${SECRETS[name]}: set it (e.g. export ${name}=$(openssl rand -hex 32))`, undefined, { path: name });
  if (value.length < MIN_TOKEN) throw new UsageError(`${name}: is shorter than ${MIN_TOKEN} characters, too easy to guess; use a long random one (e.g. openssl rand -hex 32)`, undefined, { path: name });
  return value;
}

function ownStackOf(name: string): string {
  try {
    validateStackName(name);
  } catch {
    throw new UsageError(`BERTH_OWN_STACK: ${JSON.stringify(name)} is not a stack name; it names the stack this server runs in (berth generate sets it)`, undefined, { path: 'BERTH_OWN_STACK' });
  }
  return name;
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
    token: secretOf(env, 'BERTH_AUTH_TOKEN', !(publicApi && publicMetrics)),
    secretKey: secretOf(env, 'BERTH_SECRET_KEY', m === 'web'),
    readOnly: m === 'reporting' || env.BERTH_READ_ONLY === 'true',
    publicApi,
    publicMetrics,
    ...(env.BERTH_OWN_STACK ? { ownStack: ownStackOf(env.BERTH_OWN_STACK) } : {}),
  };
}
