import * as v from 'valibot';
import type { CommonOptions, ComponentDef, Service } from './types.js';
import { name, opt, port, positive } from '../spec/fields.js';
import { baseService, envStrings } from './_base.js';
import { UsageError } from '../errors.js';
import { WORKLOAD_OPTIONS, buildOf, expandPlaceholders, gpuOf, healthOf, metricsOf, mountsOf, secretEnv, toArgv, workloadSecrets, type WorkloadOptions } from './_workload.js';
import { localImage, type AppOptions } from './app.js';

export interface WorkerOptions extends WorkloadOptions {
  app?: string;
  replicas?: number;
  scale?: number;
  ports?: number[];
}

/** A service that runs an app's image with another command. Shared by worker and job. */
export function inheritFromApp(ctx: { service: string; stack: { name: string; optionsOf(s: string): Readonly<Record<string, unknown>> | undefined; components: ReadonlyMap<string, string> } }, appName: string | undefined, where: string) {
  if (!appName) return undefined;
  if (ctx.stack.components.get(appName) !== 'app') {
    throw new UsageError(`${where}.app: ${appName} is not an app in this stack; name the app whose image this runs`);
  }
  const a = ctx.stack.optionsOf(appName) as AppOptions & CommonOptions;
  return { image: a.image ?? localImage(ctx.stack.name, appName), build: a.build, env: a.env ?? {}, volumes: a.volumes, secrets: a.secrets };
}

export const worker: ComponentDef<WorkerOptions> = {
  name: 'worker',
  summary: "Background process from an app's image with another command; replicas, or scale profiles with sequential ports",
  category: 'application',
  image: '',
  memory: '256m',
  consumer: true,
  secretsFor: workloadSecrets,
  options: {
    ...WORKLOAD_OPTIONS,
    app: opt(name, 'service', 'app whose image (and build, env, uses) it reuses'),
    replicas: opt(positive, 'number', 'identical containers (no host port)', '1'),
    scale: opt(positive, 'number', 'instances <name>-1..n; instance i runs under profiles scale-i..scale-n, so --profile scale-3 gives 3', '1'),
    ports: opt(v.array(port), 'list', 'host port of each scale instance (default: sequential from port)'),
  },
  build(ctx) {
    const o = ctx.options;
    const where = `services.${ctx.service}`;
    const parent = inheritFromApp(ctx, o.app, where);
    const image = o.image ?? parent?.image;
    if (!image && !o.build) throw new UsageError(`${where}: a worker needs app: <app service>, image: <ref> or build: <context>`);
    const { mounts, named } = mountsOf(o.volumes ?? parent?.volumes, ctx.specDir);
    const base = baseService(ctx, worker, {
      build: buildOf(o.build ?? parent?.build, ctx.specDir),
      command: toArgv(o.command),
      entrypoint: toArgv(o.entrypoint),
      mounts,
      privileged: o.privileged,
      capAdd: o.capAdd,
      gpu: gpuOf(o.gpu),
    });
    base.image = image ?? localImage(ctx.stack.name, ctx.service);
    base.environment = { ...secretEnv(o.secrets ?? parent?.secrets), ...envStrings(parent?.env), ...base.environment };

    const scale = o.scale ?? 1;
    if (o.ports && o.ports.length !== scale) throw new UsageError(`${where}.ports: gives ${o.ports.length} ports for scale ${scale}; give one per instance`);
    if (scale === 1 && !o.ports) {
      const replicas = o.replicas ?? 1;
      if (replicas > 1 && typeof o.port === 'number') {
        throw new UsageError(`${where}.replicas: ${replicas} replicas cannot share host port ${o.port}; use scale: ${replicas} for one port each, or drop port`);
      }
      const containerPort = o.containerPort ?? (typeof o.port === 'number' ? o.port : 8000);
      base.ports = typeof o.port === 'number' ? [{ host: o.port, container: containerPort, bind: o.bind ?? '0.0.0.0' }] : [];
      base.mainPort = containerPort;
      base.replicas = replicas;
      base.healthcheck ??= healthOf(o.health, containerPort);
      base.metrics = metricsOf(o.metrics, containerPort);
      return { services: [expandPlaceholders(base, { name: ctx.service, instance: ctx.service, index: 1, port: containerPort })], volumes: named };
    }
    if (o.replicas && o.replicas > 1) throw new UsageError(`${where}: use either scale or replicas, not both`);
    const services: Service[] = [];
    for (let i = 1; i <= scale; i++) {
      const hostPort = o.ports ? o.ports[i - 1] : typeof o.port === 'number' ? o.port + i - 1 : undefined;
      if (hostPort !== undefined && hostPort > 65535) throw new UsageError(`${where}.port: instance ${i} would need port ${hostPort}; lower port`);
      const containerPort = o.containerPort ?? hostPort ?? 8000;
      const name = `${ctx.service}-${i}`;
      const scaleProfiles = Array.from({ length: scale - i + 1 }, (_, k) => `scale-${i + k}`);
      services.push(
        expandPlaceholders(
          {
            ...base,
            name,
            ports: hostPort !== undefined ? [{ host: hostPort, container: containerPort, bind: o.bind ?? '0.0.0.0' }] : [],
            mainPort: containerPort,
            profiles: i === 1 ? base.profiles : scaleProfiles,
            healthcheck: base.healthcheck ?? healthOf(o.health, containerPort),
            metrics: metricsOf(o.metrics, containerPort),
            labels: { ...base.labels, 'dev.berth.instance-of': ctx.service },
          },
          { name, instance: String(i), index: i, port: hostPort ?? containerPort },
        ),
      );
    }
    return { services, volumes: named };
  },
};
