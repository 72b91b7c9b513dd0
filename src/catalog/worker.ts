import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import type { Service } from '../model/service.js';
import { name, opt, port, positive } from '../spec/fields.js';
import { UsageError } from '../errors.js';
import { AUTOSCALE_OPTION, autoscaleOf, refuseReplicasWithAutoscale, WORKLOAD_OPTIONS, expandPlaceholders, gpuOf, healthOf, metricsOf, workloadSecrets, type WorkloadOptions } from './_workload.js';
import { derivedService } from './_derived.js';
import { withOverrides } from './_base.js';

export interface WorkerOptions extends WorkloadOptions {
  app?: string;
  replicas?: number;
  scale?: number;
  ports?: number[];
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
    autoscale: AUTOSCALE_OPTION,
    scale: opt(positive, 'number', 'instances <name>-1..n; instance i runs under profiles scale-i..scale-n, so --profile scale-3 gives 3', '1'),
    ports: opt(v.array(port), 'list', 'host port of each scale instance (default: sequential from port)'),
  },
  build(ctx) {
    const o = ctx.options;
    const where = `services.${ctx.service}`;
    const { svc: base, named } = derivedService(ctx, worker, { gpu: gpuOf(o.gpu) });

    const scale = o.scale ?? 1;
    refuseReplicasWithAutoscale(o, where);
    if (o.ports && o.ports.length !== scale) throw new UsageError(`${where}.ports: gives ${o.ports.length} ports for scale ${scale}; give one per instance`);
    if (scale === 1 && !o.ports) {
      const replicas = o.autoscale?.min ?? o.replicas ?? 1;
      if (replicas > 1 && typeof o.port === 'number') {
        throw new UsageError(`${where}.${o.autoscale ? 'autoscale' : 'replicas'}: ${replicas} replicas cannot share host port ${o.port}; use scale: ${replicas} for one port each, or drop port`);
      }
      const containerPort = o.containerPort ?? (typeof o.port === 'number' ? o.port : 8000);
      base.ports = typeof o.port === 'number' ? [{ host: o.port, container: containerPort, bind: o.bind ?? '0.0.0.0' }] : [];
      base.mainPort = containerPort;
      base.replicas = replicas;
      base.autoscale = autoscaleOf(o.autoscale);
      base.probe ??= withOverrides(healthOf(o.health, containerPort), o.healthcheck);
      base.metrics = metricsOf(o.metrics, containerPort);
      return { services: [expandPlaceholders(base, { name: ctx.service, instance: ctx.service, index: 1, port: containerPort })], volumes: named };
    }
    if (o.replicas && o.replicas > 1) throw new UsageError(`${where}: use either scale or replicas, not both`);
    if (o.autoscale) throw new UsageError(`${where}.autoscale: scaled instances each have a port of their own; use autoscale without scale`);
    // Compose runs a service when any of its profiles is active: instance i cannot need both x and scale-i.
    if (o.profiles?.length) {
      const which = scale === 2 ? 'instance 2 of a scaled worker runs under scale-2' : `instances 2..${scale} of a scaled worker run under scale-2..scale-${scale}`;
      throw new UsageError(`${where}.profiles: ${which} alone, so other profiles cannot apply; drop profiles, or use replicas`);
    }
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
            probe: base.probe ?? withOverrides(healthOf(o.health, containerPort), o.healthcheck),
            metrics: metricsOf(o.metrics, containerPort),
            origin: { spec: ctx.service, instance: String(i) },
          },
          { name, instance: String(i), index: i, port: hostPort ?? containerPort },
        ),
      );
    }
    return { services, volumes: named };
  },
};
