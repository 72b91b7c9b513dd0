import * as v from 'valibot';
import { dict } from '../spec/dict.js';
import type { ComponentDef } from './types.js';
import type { Service } from '../model/service.js';
import type { Text } from '../model/text.js';
import { envTextMap, opt, port, positive, profiles, size } from '../spec/fields.js';
import { baseService } from './_base.js';
import { UsageError } from '../errors.js';
import { mustParseSize, toMiB } from '../util/size.js';
import { AUTOSCALE_OPTION, autoscaleOf, refuseReplicasWithAutoscale, WORKLOAD_OPTIONS, buildOf, hardeningOf, expandPlaceholders, gpuOf, healthOf, metricsOf, mountsOf, secretEnv, workloadSecrets, type WorkloadOptions } from './_workload.js';

export interface AppOptions extends WorkloadOptions {
  replicas?: number;
  instances?: Record<string, { port?: number | false; env?: Record<string, Text>; memory?: string | number; profiles?: string[] }>;
}

const instance = v.strictObject({
  port: v.optional(v.union([port, v.literal(false)], 'is not a port (1-65535) or false')),
  env: v.optional(envTextMap),
  memory: v.optional(size),
  profiles: v.optional(profiles),
});

/** The image a locally built workload is tagged with, so workers and jobs can run the same build. */
export function localImage(stack: string, service: string): string {
  return `${stack}-${service}:local`;
}

export const app: ComponentDef<AppOptions> = {
  name: 'app',
  summary: 'Your own image: ports, env, command, health path, metrics; several named instances or replicas',
  category: 'application',
  image: '',
  memory: '512m',
  consumer: true,
  secretsFor: workloadSecrets,
  options: {
    ...WORKLOAD_OPTIONS,
    replicas: opt(positive, 'number', 'identical containers behind one service name (no host port)', '1'),
    autoscale: AUTOSCALE_OPTION,
    instances: opt(
      dict(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be an instance id (lowercase letters, digits, - and _)')), instance),
      'map',
      'named instances, each its own service <name>-<id> with its own port, env, memory and profiles',
    ),
  },
  build(ctx) {
    const o = ctx.options;
    const where = `services.${ctx.service}`;
    if (!o.image && !o.build) throw new UsageError(`${where}: an app needs image: <ref> or build: <context>`);
    const containerPort = o.containerPort ?? (typeof o.port === 'number' ? o.port : 8000);
    const { mounts, named } = mountsOf(o.volumes, ctx.specDir, `${where}.volumes`);
    const build = buildOf(o.build, ctx.specDir, `${where}.build`);
    const common = {
      image: o.image ?? localImage(ctx.stack.name, ctx.service),
      build,
      command: o.command,
      entrypoint: o.entrypoint,
      mounts,
      probe: healthOf(o.health, containerPort),
      metrics: metricsOf(o.metrics, containerPort),
      mainPort: containerPort,
      privileged: o.privileged,
      capAdd: o.capAdd,
      ...hardeningOf(o),
      gpu: gpuOf(o.gpu),
    };
    const base = baseService(ctx, app, { ...common, environment: secretEnv(o.secrets) });
    base.image = common.image;
    const published = (p: number | false | undefined) => (typeof p === 'number' ? [{ host: p, container: containerPort, bind: o.bind ?? '0.0.0.0' }] : []);

    refuseReplicasWithAutoscale(o, where);
    if (!o.instances) {
      const replicas = o.autoscale?.min ?? o.replicas ?? 1;
      if (replicas > 1 && typeof o.port === 'number') {
        throw new UsageError(`${where}.${o.autoscale ? 'autoscale' : 'replicas'}: ${replicas} replicas cannot share host port ${o.port}; drop port (put nginx in front) or use instances with one port each`);
      }
      base.ports = published(o.port);
      base.replicas = replicas;
      base.autoscale = autoscaleOf(o.autoscale);
      return { services: [expandPlaceholders(base, { name: ctx.service, instance: ctx.service, index: 1, port: o.port || containerPort })], volumes: named };
    }
    if (o.replicas && o.replicas > 1) throw new UsageError(`${where}: use either instances or replicas, not both`);
    if (o.autoscale) throw new UsageError(`${where}.autoscale: each instance is one container of its own; scale an app without instances`);
    if (Object.keys(o.instances).length === 0) {
      throw new UsageError(`${where}.instances: empty, so no service would run; add at least one instance, like a: {port: 8001}, or remove instances:`);
    }
    const services: Service[] = Object.entries(o.instances).map(([id, inst], i) => {
      const name = `${ctx.service}-${id}`;
      const svc: Service = {
        ...base,
        name,
        ports: published(inst.port),
        memoryMiB: inst.memory !== undefined ? toMiB(mustParseSize(inst.memory, `${where}.instances.${id}.memory`)) : base.memoryMiB,
        profiles: inst.profiles ?? base.profiles,
        environment: { ...base.environment, ...inst.env },
        origin: { spec: ctx.service, instance: id },
      };
      return expandPlaceholders(svc, { name, instance: id, index: i + 1, port: inst.port || containerPort });
    });
    return { services, volumes: named };
  },
};
