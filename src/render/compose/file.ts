/**
 * ResolvedStack -> docker-compose.yaml (Compose Specification; read by Compose v2
 * and by docker-compose 1.29). Keys inside a service keep the conventional order;
 * maps are sorted. Secrets appear only as ${NAME} references to .env.
 */
import type { Service } from '../../model/service.js';
import type { Text } from '../../model/text.js';
import { COMPOSE_CONDITION, COMPOSE_RESTART } from './words.js';
import { composeHealthcheck, goDuration } from './probe.js';
import { composeText, composeTexts } from './text.js';
import type { ResolvedStack, StackNetwork } from '../../model/stack.js';
import { sortedMap, toYaml } from '../../util/yaml.js';
import { hostAddress } from '../../util/names.js';

export const LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

function portString(p: Service['ports'][number]): string {
  return `${hostAddress(p.bind)}:${p.host}:${p.container}`;
}

/** A mount in Compose's short syntax; config files berth writes are bind mounts of their path in the stack dir. */
function mountString(m: Service['mounts'][number]): string {
  const [source, target] = m.type === 'config' ? [`./${m.path}`, m.target] : [composeText(m.source), composeText(m.target)];
  return `${source}:${target}${m.readOnly ? ':ro' : ''}`;
}

/** The user's labels, then berth's: the component, where the service comes from, the stack, its role and its config's hash. */
/** berth's own labels on what runs a service (Compose containers, a Swarm service): what it is, whose, and its config's hash. */
export function berthLabels(s: Service, stack: string, configHash?: string): Record<string, string> {
  return {
    'dev.berth.component': s.component,
    ...(s.origin.instance !== undefined ? { 'dev.berth.instance-of': s.origin.spec } : {}),
    ...(s.origin.exporterOf ? { 'dev.berth.exporter-of': s.origin.exporterOf } : {}),
    'dev.berth.stack': stack,
    'dev.berth.role': s.role,
    ...(configHash ? { 'dev.berth.config-hash': configHash } : {}),
  };
}

function labels(s: Service, stack: string, configHash?: string): Record<string, string> {
  return sortedMap({ ...composeTexts(s.labels), ...berthLabels(s, stack, configHash) });
}

/** The context alone, or the map when there is more to say. */
function build(b: NonNullable<Service['build']>): unknown {
  const text = (t: Text | undefined) => (t === undefined ? undefined : composeText(t));
  if (!b.dockerfile && !b.target && !b.args) return composeText(b.context);
  return { context: composeText(b.context), dockerfile: text(b.dockerfile), target: text(b.target), args: b.args && sortedMap(composeTexts(b.args)) };
}

function composeService(s: Service, stack: string, configHash?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const image = composeText(s.image);
  if (image) out.image = image;
  if (s.build) out.build = build(s.build);
  if (s.entrypoint) out.entrypoint = s.entrypoint.map(composeText);
  if (s.command) out.command = s.command.map(composeText);
  if (s.profiles.length) out.profiles = [...s.profiles].sort();
  out.restart = COMPOSE_RESTART[s.restart];
  const deps = Object.keys(s.dependsOn).sort();
  if (deps.length) out.depends_on = Object.fromEntries(deps.map((d) => [d, { condition: COMPOSE_CONDITION[s.dependsOn[d]!] }]));
  if (Object.keys(s.environment).length) out.environment = sortedMap(composeTexts(s.environment));
  if (s.ports.length) out.ports = s.ports.map(portString);
  if (s.mounts.length) out.volumes = s.mounts.map(mountString);
  if (s.probe) out.healthcheck = composeHealthcheck(s.probe);
  const deploy: Record<string, unknown> = {};
  if (s.replicas !== 1) deploy.replicas = s.replicas;
  if (s.gpu) deploy.resources = { reservations: { devices: [{ driver: 'nvidia', count: s.gpu.count, capabilities: ['gpu'] }] } };
  if (Object.keys(deploy).length) out.deploy = deploy;
  out.mem_limit = `${s.memoryMiB}m`;
  if (s.cpus !== undefined) out.cpus = s.cpus;
  if (s.shmMiB) out.shm_size = `${s.shmMiB}m`;
  if (s.ulimits) out.ulimits = sortedMap(s.ulimits);
  if (s.privileged) out.privileged = true;
  if (s.capAdd?.length) out.cap_add = s.capAdd;
  if (s.user) out.user = s.user;
  if (s.readOnly) {
    out.read_only = true;
    out.tmpfs = ['/tmp'];
  }
  if (s.noNewPrivileges) out.security_opt = ['no-new-privileges:true'];
  if (s.init) out.init = true;
  if (s.stopGraceMs) out.stop_grace_period = goDuration(s.stopGraceMs);
  out.labels = labels(s, stack, configHash);
  out.logging = LOGGING;
  return out;
}

/** Every service joins the default network: naming it (or its range) there needs no per-service networks:. */
function defaultNetwork(n: StackNetwork, stack: string): Record<string, unknown> {
  if (n.external) return { name: n.name, external: true };
  return {
    ...(n.name ? { name: n.name } : {}),
    ...(n.subnet ? { ipam: { config: [{ subnet: n.subnet, ...(n.gateway ? { gateway: n.gateway } : {}) }] } } : {}),
    labels: { 'dev.berth.stack': stack },
  };
}

export function renderCompose(stack: ResolvedStack, configHashes: Record<string, string> = {}): string {
  const doc = {
    services: Object.fromEntries(stack.services.map((s) => [s.name, composeService(s, stack.name, configHashes[s.name])])),
    ...(stack.volumes.length ? { volumes: Object.fromEntries(stack.volumes.map((v) => [v, { labels: { 'dev.berth.stack': stack.name } }])) } : {}),
    ...(stack.network ? { networks: { default: defaultNetwork(stack.network, stack.name) } } : {}),
  };
  const header = `# berth stack ${stack.name}. Generated by berth; edit stack.yaml and run berth generate instead of editing this file.\n`;
  return header + toYaml(doc, { sort: false });
}
