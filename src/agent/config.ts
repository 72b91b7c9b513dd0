/**
 * What `berth agent` runs with, from its flags and environment, checked
 * before anything starts: the server and how its certificate is trusted,
 * how it enrolls, where it keeps its credential, its heartbeat interval and
 * the port of its own /healthz. The enrollment token may come from the
 * environment (BERTH_ENROLL_TOKEN) so that it is not on a command line; an
 * agent with the server's API token instead (a stack's agent next to its web
 * service) asks the server for an enrollment token of its own.
 */
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { normalFingerprint, type Trust } from './transport.js';

export interface AgentFlags {
  serverUrl?: string;
  enrollToken?: string;
  port?: string;
  host?: string;
  interval?: string;
  dataDir?: string;
  name?: string;
  caFile?: string;
  serverFingerprint?: string;
  insecure?: boolean;
}

export interface AgentConfig {
  serverUrl: string;
  trust: Trust;
  enrollToken?: string;
  /** The server's API token, to make an enrollment token with when none is given. */
  apiToken?: string;
  port: number;
  host: string;
  intervalSeconds: number;
  dataDir: string;
  name: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function serverUrlOf(given: string | undefined): string {
  if (!given) throw new UsageError('--server-url: is required; give the berth web server, e.g. --server-url https://server:8080 (or set BERTH_SERVER_URL)');
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    throw new UsageError(`--server-url: ${JSON.stringify(given)} is not a URL; give https://server:8080`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--server-url: ${u.protocol} is not http or https; give https://server:8080`);
  return u.origin;
}

export function trustOf(f: Pick<AgentFlags, 'caFile' | 'serverFingerprint' | 'insecure'>, env: Env, cwd: string): Trust {
  const ca = f.caFile ?? env.BERTH_SERVER_CA;
  const fp = f.serverFingerprint ?? env.BERTH_SERVER_FINGERPRINT;
  const chosen = [ca, fp, f.insecure].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('--insecure: give one of --ca-file, --server-fingerprint or --insecure');
  if (fp) return { kind: 'fingerprint', sha256: normalFingerprint(fp) };
  if (ca) return { kind: 'ca', file: path.resolve(cwd, ca) };
  return f.insecure ? { kind: 'insecure' } : { kind: 'system' };
}

function numberOf(flag: string, given: string | undefined, dflt: number, min: number, max: number): number {
  if (given === undefined) return dflt;
  const n = Number(given);
  if (!/^\d+(\.\d+)?$/.test(given) || n < min || n > max) throw new UsageError(`${flag}: ${JSON.stringify(given)} is not a number from ${min} to ${max}`);
  return n;
}

export function agentConfig(f: AgentFlags, env: Env, home: string, cwd: string): AgentConfig {
  const serverUrl = serverUrlOf(f.serverUrl ?? env.BERTH_SERVER_URL);
  const name = f.name ?? env.BERTH_AGENT_NAME ?? os.hostname();
  if (!/^[\w.@:-]{1,255}$/.test(name)) throw new UsageError(`--name: ${JSON.stringify(name)} is not an agent name (letters, digits, . _ - @ :)`);
  return {
    serverUrl,
    trust: trustOf(f, env, cwd),
    enrollToken: f.enrollToken ?? (env.BERTH_ENROLL_TOKEN || undefined),
    apiToken: env.BERTH_AUTH_TOKEN || undefined,
    port: numberOf('--port', f.port, 8090, 0, 65535),
    host: f.host ?? '0.0.0.0',
    intervalSeconds: numberOf('--interval', f.interval, 10, 1, 3600),
    dataDir: path.resolve(cwd, f.dataDir ?? env.BERTH_DATA_DIR ?? path.join(home, 'agent')),
    name,
  };
}
