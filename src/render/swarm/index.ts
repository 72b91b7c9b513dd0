/**
 * ResolvedStack -> a Swarm stack file (`docker stack deploy -c`), read from
 * the model as the Kubernetes target is, not converted from the Compose
 * file: replicas, resources, restart, health-gated start-first updates that
 * Swarm rolls back by itself, secrets as Swarm secrets and config files as
 * Swarm configs (both named by a hash of their content, made by berth before
 * the deploy), one overlay network. The services of the active profiles
 * only; what Swarm cannot say is a warning.
 */
import type { ConfigFile } from '../../model/files.js';
import type { ResolvedStack, StackNetwork } from '../../model/stack.js';
import { runsUnder } from '../../resolve/profiles.js';
import { configHash } from '../config-files.js';
import { renderPrometheus } from '../prometheus.js';
import { renderGrafana } from '../grafana.js';
import { renderNginx } from '../nginx.js';
import { renderOtel } from '../otel.js';
import { COMPOSE_NGINX } from '../compose/bundle.js';
import { toYaml } from '../../util/yaml.js';
import type { SwarmOptions } from './options.js';
import { SwarmObjects, type SwarmObject } from './objects.js';
import { swarmService } from './service.js';
import { dollarsEscaped } from './text.js';
import { serviceWarnings } from './warnings.js';

export type { SwarmOptions } from './options.js';
export type { SwarmObject } from './objects.js';
export type { ImageStart } from './start.js';

export const SWARM_FILE = 'docker-stack.yaml';

export interface SwarmBundle {
  /** The stack file (no secret value in it). */
  file: string;
  /** The secrets and configs it names, with their values (for `docker secret create NAME -`, never for a file). */
  objects: SwarmObject[];
  warnings: string[];
  /** The services in the file. */
  services: string[];
}

function network(n: StackNetwork | undefined, stack: string): Record<string, unknown> {
  if (n?.external) return { name: n.name, external: true };
  return {
    driver: 'overlay',
    attachable: true,
    ...(n?.name ? { name: n.name } : {}),
    ...(n?.subnet ? { ipam: { config: [{ subnet: n.subnet }] } } : {}),
    labels: { 'dev.berth.stack': stack },
  };
}

/**
 * The steps a deploy takes before the whole file, since Swarm orders
 * nothing: the jobs and what they wait for, by depth (what waits for nothing
 * first), each step everything of the steps before and its own. Empty
 * without jobs.
 */
export function jobSteps(stack: ResolvedStack): Set<string>[] {
  const byName = new Map(stack.services.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: string[] = []): number => {
    if (depth.has(name)) return depth.get(name)!;
    const deps = Object.keys(byName.get(name)?.dependsOn ?? {}).filter((d) => byName.has(d) && !seen.includes(d));
    const d = deps.length ? 1 + Math.max(...deps.map((x) => depthOf(x, [...seen, name]))) : 0;
    depth.set(name, d);
    return d;
  };
  const jobs = stack.services.filter((s) => s.role === 'job' && runsUnder(s.profiles, stack.profiles));
  const first = new Set<string>();
  const add = (name: string) => {
    if (first.has(name) || !byName.has(name)) return;
    first.add(name);
    for (const d of Object.keys(byName.get(name)!.dependsOn)) add(d);
  };
  jobs.forEach((j) => add(j.name));
  const deepest = Math.max(-1, ...[...first].map((n) => depthOf(n)));
  return Array.from({ length: deepest + 1 }, (_, i) => new Set([...first].filter((n) => depthOf(n) <= i)));
}

/** `only`: the services to write (the jobs' phase of a deploy); default every service of the active profiles. */
export function renderSwarm(stack: ResolvedStack, o: SwarmOptions, extra: ConfigFile[] = [], only?: Set<string>): SwarmBundle {
  const vars = { ...stack.vars, ...(o.vars ?? {}) };
  const configs = [...stack.files, ...renderPrometheus(stack), ...renderGrafana(stack), ...renderNginx(stack, COMPOSE_NGINX), ...renderOtel(stack), ...extra];
  const objects = new SwarmObjects(stack.name, { ...stack.secrets, ...(o.secretsFromEnv ?? {}) });
  const services = stack.services.filter((s) => runsUnder(s.profiles, stack.profiles) && (!only || only.has(s.name)));
  const doc: Record<string, unknown> = {
    version: '3.8',
    services: Object.fromEntries(services.map((s) => [s.name, swarmService(s, o, { stack: stack.name, vars, objects, configs, configHash: configHash(s, configs) })])),
  };
  const used = new Set(services.flatMap((s) => s.mounts.flatMap((m) => (m.type === 'volume' ? [String(m.source)] : []))));
  const volumes = stack.volumes.filter((v) => used.has(v));
  if (volumes.length) doc.volumes = Object.fromEntries(volumes.map((v) => [v, { labels: { 'dev.berth.stack': stack.name } }]));
  doc.networks = { default: network(stack.network, stack.name) };
  const list = objects.list();
  const external = (kind: SwarmObject['kind']) => Object.fromEntries(list.filter((x) => x.kind === kind).map((x) => [x.name, { external: true }]));
  if (list.some((x) => x.kind === 'secret')) doc.secrets = external('secret');
  if (list.some((x) => x.kind === 'config')) doc.configs = external('config');
  const header = `# berth stack ${stack.name} for Docker Swarm (docker stack deploy). Generated by berth; secrets and configs are made by berth deploy.\n`;
  return {
    file: header + toYaml(dollarsEscaped(doc), { sort: false }),
    objects: list,
    warnings: services.flatMap((s) => serviceWarnings(s, o, stack.name)),
    services: services.map((s) => s.name),
  };
}
