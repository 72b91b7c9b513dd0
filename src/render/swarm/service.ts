/**
 * One service of the model as a Swarm service: its container (image, start,
 * env, mounts, health check) and its deploy section (replicas, resources,
 * restart, health-gated rolling updates that Swarm rolls back by itself,
 * placement). Variables are filled in; secrets are Swarm secret files.
 */
import type { ConfigFile } from '../../model/files.js';
import type { Service } from '../../model/service.js';
import type { Text } from '../../model/text.js';
import { goDuration, healthTestTexts } from '../compose/probe.js';
import { LOGGING, berthLabels } from '../compose/file.js';
import { sortedMap } from '../../util/yaml.js';
import type { SwarmOptions } from './options.js';
import type { SwarmObjects } from './objects.js';
import { needsStart, startScript } from './start.js';
import { mustPlain, plainText, secretsOf, shellQuoted, shellScript } from './text.js';

type Vars = Readonly<Record<string, string>>;
const where = (s: Service, key: string) => `services.${s.origin.spec}.${key}`;

/** Docker's health test; a check that refers to a secret runs in a shell that reads the secret's file. */
function healthcheck(s: Service, vars: Vars): Record<string, unknown> | undefined {
  const p = s.probe;
  if (!p) return undefined;
  const [kind, ...rest] = healthTestTexts(p) as [string, ...Text[]];
  const plain = rest.map((t) => plainText(t, vars, where(s, 'health')));
  const test = plain.every((x) => x !== undefined)
    ? [kind, ...(plain as string[])]
    : kind === 'CMD-SHELL'
      ? ['CMD-SHELL', shellScript(rest[0]!, vars, where(s, 'health'))]
      : ['CMD-SHELL', rest.map((t) => shellQuoted(t, vars, where(s, 'health'))).join(' ')];
  return { test, interval: goDuration(p.intervalMs), timeout: goDuration(p.timeoutMs), retries: p.retries, start_period: goDuration(p.startPeriodMs) };
}

/** How long Swarm watches a new task for failure: its start period and as many failed checks as make it unhealthy, or 10 s without a check. */
export function monitorMs(s: Service): number {
  const p = s.probe;
  return p ? p.startPeriodMs + p.intervalMs * (p.retries + 1) + p.timeoutMs : 10_000;
}

/**
 * A new task starts beside the old one (start-first) unless two would clash:
 * on a named volume (a datastore's files opened twice) or on a host port.
 */
const startFirst = (s: Service, o: SwarmOptions) => !s.mounts.some((m) => m.type === 'volume') && !(o.network === 'host' && s.ports.length);

function deploySection(s: Service, o: SwarmOptions, stack: string): Record<string, unknown> {
  const order = startFirst(s, o) ? 'start-first' : 'stop-first';
  const monitor = goDuration(monitorMs(s));
  const limits = { memory: `${s.memoryMiB}M`, ...(s.cpus !== undefined ? { cpus: String(s.cpus) } : {}) };
  const gpus = s.gpu ? { generic_resources: [{ discrete_resource_spec: { kind: 'NVIDIA-GPU', value: s.gpu.count === 'all' ? 1 : s.gpu.count } }] } : {};
  const job = s.role === 'job';
  return {
    ...(o.network === 'host' ? { endpoint_mode: 'dnsrr' } : {}),
    replicas: job ? 1 : s.replicas,
    resources: { limits, reservations: { memory: `${s.memoryMiB}M`, ...gpus } },
    restart_policy: job || s.restart === 'never' ? { condition: 'none' } : { condition: 'any', delay: '5s' },
    // A job's task ends by itself, which Swarm's update monitor would take for a failure to roll back: berth judges its exit instead.
    ...(job
      ? { update_config: { parallelism: 1, order: 'stop-first', failure_action: 'continue' } }
      : {
          update_config: { parallelism: 1, delay: '0s', order, failure_action: 'rollback', monitor, max_failure_ratio: 0 },
          rollback_config: { parallelism: 0, order, failure_action: 'pause', monitor },
        }),
    // Its volumes are the manager's: data stays on the node berth deploys through.
    ...placement(s),
    labels: { 'dev.berth.stack': stack, 'dev.berth.role': s.role },
  };
}

/** The service's own constraints; one with named volumes also stays on a manager, where its data was made. */
function placement(s: Service): { placement?: { constraints: string[] } } {
  const constraints = [...(s.mounts.some((m) => m.type === 'volume') ? ['node.role == manager'] : []), ...(s.placement ?? [])];
  return constraints.length ? { placement: { constraints: [...new Set(constraints)] } } : {};
}

function mounts(s: Service, vars: Vars): unknown[] {
  const out: unknown[] = s.mounts.flatMap((m) => {
    if (m.type === 'config') return [];
    const source = m.type === 'volume' ? m.source : mustPlain(m.source, vars, where(s, 'volumes'));
    return [{ type: m.type, source, target: mustPlain(m.target, vars, where(s, 'volumes')), ...(m.readOnly ? { read_only: true } : {}) }];
  });
  if (s.readOnly) out.push({ type: 'tmpfs', target: '/tmp' });
  if (s.shmMiB) out.push({ type: 'tmpfs', target: '/dev/shm', tmpfs: { size: s.shmMiB * 1024 * 1024 } });
  return out;
}

function ports(s: Service, o: SwarmOptions): unknown[] {
  if (o.network === 'ingress') return s.ports.map((p) => ({ target: p.container, published: p.host, protocol: 'tcp', mode: 'ingress' }));
  return s.ports.filter((p) => !/^(127\.|::1$|localhost$)/.test(p.bind)).map((p) => ({ target: p.container, published: p.host, protocol: 'tcp', mode: 'host' }));
}

/** The user's labels, then berth's. */
function labels(s: Service, vars: Vars, stack: string, configHash?: string): Record<string, string> {
  const own = Object.fromEntries(Object.entries(s.labels).map(([k, t]) => [k, mustPlain(t, vars, where(s, `labels.${k}`))]));
  return sortedMap({ ...own, ...berthLabels(s, stack, configHash) });
}

/** What the container runs: as given, or berth's start script when the env or command needs a secret. */
function start(s: Service, o: SwarmOptions, vars: Vars): { entrypoint?: string[]; command?: string[]; secretEnv: string[] } {
  if (needsStart(s)) {
    const ref = mustPlain(s.image, vars, where(s, 'image'));
    const { entrypoint, secretEnv } = startScript(s, vars, o.imageStart?.(ref));
    return { entrypoint, command: [], secretEnv };
  }
  const argv = (key: string, a?: Text[]) => a?.map((t) => mustPlain(t, vars, where(s, key)));
  return { entrypoint: argv('entrypoint', s.entrypoint), command: argv('command', s.command), secretEnv: [] };
}

export function swarmService(s: Service, o: SwarmOptions, ctx: { stack: string; vars: Vars; objects: SwarmObjects; configs: ConfigFile[]; configHash?: string }): Record<string, unknown> {
  const { vars } = ctx;
  const run = start(s, o, vars);
  const env = Object.keys(s.environment).filter((k) => !run.secretEnv.includes(k));
  const secretNames = [...Object.values(s.environment), ...(s.entrypoint ?? []), ...(s.command ?? []), ...(s.probe ? healthTestTexts(s.probe) : [])].flatMap(secretsOf);
  const files = ctx.objects.fileUses(s, ctx.configs);
  const secrets = [...ctx.objects.secretUses(secretNames), ...files.secrets];
  const vols = mounts(s, vars);
  const out: Record<string, unknown> = { image: mustPlain(s.image, vars, where(s, 'image')) };
  if (run.entrypoint) out.entrypoint = run.entrypoint;
  if (run.command?.length) out.command = run.command;
  if (env.length) out.environment = sortedMap(Object.fromEntries(env.map((k) => [k, mustPlain(s.environment[k]!, vars, where(s, `env.${k}`))])));
  const published = ports(s, o);
  if (published.length) out.ports = published;
  if (vols.length) out.volumes = vols;
  if (secrets.length) out.secrets = secrets.map((u) => ({ source: u.source, target: u.target, ...(u.mode !== undefined ? { mode: u.mode } : {}) }));
  if (files.configs.length) out.configs = files.configs;
  const health = healthcheck(s, vars);
  if (health) out.healthcheck = health;
  out.deploy = deploySection(s, o, ctx.stack);
  if (s.capAdd?.length) out.cap_add = s.capAdd;
  if (s.user) out.user = s.user;
  if (s.readOnly) out.read_only = true;
  if (s.init) out.init = true;
  if (s.stopGraceMs) out.stop_grace_period = goDuration(s.stopGraceMs);
  out.labels = labels(s, vars, ctx.stack, ctx.configHash);
  out.logging = LOGGING;
  return out;
}

