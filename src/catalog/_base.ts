import type { CommonOptions, ComponentContext, ComponentDef, ExporterDef } from './types.js';
import type { Probe } from '../model/probe.js';
import type { Mount, Service } from '../model/service.js';
import type { Text } from '../model/text.js';
import { FAST } from './_health.js';

type ServiceParts = Partial<Omit<Service, 'name' | 'component' | 'image' | 'memoryMiB'>>;

/** A component's health probe with the timing the user set in `healthcheck:`. */
export function withOverrides(p: Probe | undefined, o: CommonOptions['healthcheck']): Probe | undefined {
  if (!p) return undefined;
  return { ...p, ...Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) };
}

/** What every service is unless its component says otherwise: one container that runs for good. */
function runsForGood(): Pick<Service, 'role' | 'restart' | 'replicas' | 'mounts'> {
  return { role: 'service', restart: 'always', replicas: 1, mounts: [] };
}

/**
 * The skeleton every component starts from: the common options (port, bind,
 * memory, cpus, profiles, env, labels, health overrides) applied the same way
 * for all. Component-specific parts override the defaults; user env wins last.
 */
export function baseService<O>(ctx: ComponentContext<O>, def: ComponentDef<O>, parts: ServiceParts = {}): Service {
  const o = ctx.options;
  const ports = parts.ports ?? (typeof o.port === 'number' && def.port ? [{ host: o.port, container: def.port, bind: o.bind ?? def.defaultBind ?? '0.0.0.0' }] : []);
  const dependsOn: Service['dependsOn'] = { ...(parts.dependsOn ?? {}) };
  for (const d of o.dependsOn ?? []) dependsOn[d] ??= 'ready';
  return {
    ...runsForGood(),
    ...parts,
    name: ctx.service,
    component: def.name,
    origin: { spec: ctx.service },
    image: ctx.image,
    memoryMiB: ctx.memoryMiB,
    cpus: o.cpus ?? parts.cpus,
    ports,
    mainPort: parts.mainPort ?? def.clientPort ?? def.port,
    dependsOn,
    profiles: [...(o.profiles ?? parts.profiles ?? [])],
    environment: { ...(parts.environment ?? {}), ...o.env },
    labels: { ...(parts.labels ?? {}), ...(o.labels ?? {}) },
    probe: withOverrides(parts.probe, o.healthcheck),
    ...(o.placement?.length ? { placement: [...o.placement] } : {}),
  };
}

/**
 * The metrics exporter sidecar of `ctx`'s service: the exporter's own parts, on
 * the defaults every service starts from; none of the service's own options
 * (ports, env, labels) apply to it.
 */
export function exporterService<O>(ctx: ComponentContext<O>, e: ExporterDef<O>, image: Text, memoryMiB: number, profiles: string[]): Service {
  return {
    ...runsForGood(),
    ...e.build(ctx, image),
    name: `${ctx.service}-exporter`,
    component: e.name,
    memoryMiB,
    profiles,
    labels: {},
    origin: { spec: ctx.service, exporterOf: ctx.service },
  };
}

/** A named volume; `sizeMiB` for one whose size does not follow the service's data (a small config volume). */
export function volume(name: string, target: string, sizeMiB?: number): Mount {
  return { type: 'volume', source: name, target, ...(sizeMiB ? { storage: { sizeMiB } } : {}) };
}

/** Config berth writes into the stack dir (`path`: a file, or a folder of them), mounted read-only. */
export function configMount(path: string, target: string): Mount {
  return { type: 'config', path, target, readOnly: true };
}

export { FAST };
