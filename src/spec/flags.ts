/**
 * `berth generate <name> --web --postgres --monitoring ...` -> the same spec a
 * stack.yaml would give. Flag values are checked here so errors name the flag.
 */
import { UsageError } from '../errors.js';
import { suggest } from './issues.js';
import { httpUrlProblem } from './fields.js';

export interface ComponentFlags {
  web?: boolean;
  reporting?: boolean;
  agent?: boolean;
  postgres?: boolean;
  monitoring?: boolean;
  with?: string[];
  port?: string;
  agentPort?: string;
  postgresPort?: string;
  grafanaPort?: string;
  prometheusPort?: string;
  influxdbPort?: string;
  serverUrl?: string;
  gpus?: string;
}

export interface SecretFlags {
  authToken?: string;
  secretKey?: string;
  postgresPassword?: string;
  secret?: string[];
}

export const DEFAULT_PORTS = { port: 8080, agentPort: 8090, postgresPort: 5432, grafanaPort: 3000, prometheusPort: 9090, influxdbPort: 8086 } as const;

const FLAG_NAMES: Record<keyof typeof DEFAULT_PORTS, string> = {
  port: '--port',
  agentPort: '--agent-port',
  postgresPort: '--postgres-port',
  grafanaPort: '--grafana-port',
  prometheusPort: '--prometheus-port',
  influxdbPort: '--influxdb-port',
};

export function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 65535) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a port (1-65535)`);
  return n;
}

function port(f: ComponentFlags, key: keyof typeof DEFAULT_PORTS): number {
  const given = f[key];
  return given === undefined ? DEFAULT_PORTS[key] : parsePort(given, FLAG_NAMES[key]);
}

/** Components that need an image and options, which flags cannot give (use stack.yaml). */
const NOT_WITHABLE = ['app', 'worker', 'job'];

export function hasComponentFlags(f: ComponentFlags): boolean {
  return !!(f.web || f.reporting || f.agent || f.postgres || f.monitoring || f.with?.length);
}

/** Which services each port flag is for, and the flag that adds them. */
const PORT_FOR: Record<keyof typeof DEFAULT_PORTS, { services: string[]; add: string }> = {
  port: { services: ['web', 'reporting'], add: '--web or --reporting' },
  agentPort: { services: ['agent'], add: '--agent' },
  postgresPort: { services: ['postgres'], add: '--postgres' },
  grafanaPort: { services: ['grafana'], add: '--monitoring' },
  prometheusPort: { services: ['prometheus'], add: '--monitoring' },
  influxdbPort: { services: ['influxdb'], add: '--monitoring' },
};

/** One name or name:port of --with (`given` is the whole argument, for errors; `withable`, the components it may name). */
function addWith(services: Record<string, Record<string, unknown>>, item: string, given: string, withable: string[]): void {
  const [name, p, ...extra] = item.split(':') as [string, string | undefined, ...string[]];
  if (!name) throw new UsageError(`--with: ${JSON.stringify(given)} has an empty component name; list components separated by commas, like --with redis,mongodb`);
  if (extra.length) throw new UsageError(`--with: ${JSON.stringify(item)} is not name or name:port (e.g. redis:6380)`);
  if (!withable.includes(name)) {
    const hint = NOT_WITHABLE.includes(name) ? `${name} needs an image and options: describe it in a stack.yaml (-f)` : `${suggest(name, withable)}components: ${withable.join(', ')}`;
    throw new UsageError(`--with: ${JSON.stringify(name)} cannot be added this way; ${hint}`);
  }
  services[name] = { ...(services[name] ?? {}), ...(p !== undefined ? { port: parsePort(p, `--with ${name}`) } : {}) };
}

/**
 * `components` names every catalog component (the catalog sits above spec/, so
 * the caller hands its names in); `--with` may add all but app, worker and job.
 */
export function specFromFlags(f: ComponentFlags, components: readonly string[]): Record<string, unknown> {
  if (!hasComponentFlags(f)) {
    throw new UsageError('no components given; pass at least one of --web, --reporting, --agent, --postgres, --monitoring, --with <names>, or -f stack.yaml');
  }
  const withable = components.filter((c) => !NOT_WITHABLE.includes(c));
  const services: Record<string, Record<string, unknown>> = {};
  for (const [flag, names] of [
    [f.web, ['web']],
    [f.reporting, ['reporting']],
    [f.agent, ['agent']],
    [f.postgres, ['postgres']],
    [f.monitoring, ['prometheus', 'grafana', 'influxdb']],
  ] as const) {
    if (flag) for (const n of names) services[n] = {};
  }
  for (const given of f.with ?? []) {
    for (const item of given.split(',').map((w) => w.trim())) addWith(services, item, given, withable);
  }
  // Whichever flags added them: one stack has the read-write dashboard or the read-only one.
  if (services.web && services.reporting) throw new UsageError('--web and --reporting are mutually exclusive; pick one (reporting is the read-only dashboard)');

  // A flag for something the stack does not have is a mistake, not a no-op.
  for (const key of Object.keys(PORT_FOR) as (keyof typeof DEFAULT_PORTS)[]) {
    const { services: targets, add } = PORT_FOR[key];
    const present = targets.filter((t) => services[t]);
    if (f[key] !== undefined && !present.length) throw new UsageError(`${FLAG_NAMES[key]} is for ${targets.join(' or ')}; add ${add}, or drop ${FLAG_NAMES[key]}`);
    for (const t of present) {
      if (f[key] !== undefined && services[t]!.port !== undefined) throw new UsageError(`${t}'s port is given twice (--with ${t}:${services[t]!.port} and ${FLAG_NAMES[key]}); keep one`);
      services[t]!.port ??= port(f, key);
    }
  }
  const agent = services.agent;
  if (f.serverUrl !== undefined && !agent) throw new UsageError('--server-url is for the agent; add --agent, or drop --server-url');
  if (f.gpus !== undefined && !agent) throw new UsageError('--gpus is for the agent; add --agent, or drop --gpus');
  const urlProblem = f.serverUrl !== undefined && httpUrlProblem(f.serverUrl);
  if (urlProblem) throw new UsageError(`--server-url: ${JSON.stringify(f.serverUrl)} ${urlProblem}`);
  if (agent && f.serverUrl) agent.serverUrl = f.serverUrl;
  if (agent && f.gpus !== undefined) agent.gpu = f.gpus === 'all' ? 'all' : /^[1-9]\d*$/.test(f.gpus) ? Number(f.gpus) : badGpus(f.gpus);
  return { version: 1, services };
}

function badGpus(text: string): never {
  throw new UsageError(`--gpus: ${JSON.stringify(text)} is not a GPU count; give a number like 1, or all`);
}

/** The secret flags as .env names. */
export function secretsFromFlags(f: SecretFlags): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (f.authToken !== undefined) out.BERTH_AUTH_TOKEN = f.authToken;
  if (f.secretKey !== undefined) out.BERTH_SECRET_KEY = f.secretKey;
  if (f.postgresPassword !== undefined) out.POSTGRES_PASSWORD = f.postgresPassword;
  for (const s of f.secret ?? []) {
    const i = s.indexOf('=');
    // Not echoed: without a NAME= the whole argument may be the secret value.
    if (i < 1) throw new UsageError('--secret: an argument is not NAME=value (not shown: it may hold a secret); write --secret NAME=value');
    const name = s.slice(0, i);
    // The name becomes a line of .env: a line break in it would write a second entry.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--secret: ${JSON.stringify(name)} is not a variable name; write --secret NAME=value with letters, digits and _`);
    out[name] = s.slice(i + 1);
  }
  return out;
}

export function parseImageFlags(items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const item of items ?? []) {
    const i = item.indexOf('=');
    if (i < 1 || i === item.length - 1) throw new UsageError(`--image: ${JSON.stringify(item)} is not component=image (e.g. postgres=registry.local/postgres:17.5)`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}
