/**
 * A service's workload: a Job for a job, a StatefulSet for a service that
 * owns its volumes (a claim template each), a Deployment for the rest; the
 * pod runs the container after its wait containers, on a GPU node when it
 * asks for GPUs, with the registry credentials given, and a hash of its
 * config files on the pod template so that changed config rolls the pods.
 */
import type { ConfigFile } from '../../model/files.js';
import type { Service } from '../../model/service.js';
import { configHash } from '../config-files.js';
import { labelsOf, object, selectorOf, type KubeObject } from './meta.js';
import { container, gpuCount, userIds } from './container.js';
import { podVolumes } from './mounts.js';
import { claimTemplates } from './volumes.js';
import { JOB_WAITER, waitsOf } from './wait.js';
import type { KubeOptions } from './options.js';
import { plainText, type SecretRef } from './text.js';

export const CONFIG_HASH_ANNOTATION = 'berth.dev/config-hash';

export interface WorkloadContext {
  stack: string;
  opts: KubeOptions;
  vars: Readonly<Record<string, string>>;
  configs: ConfigFile[];
  /** The services that run on Kubernetes, by name. */
  byName: ReadonlyMap<string, Service>;
  refOf(secret: string): SecretRef;
  warn(message: string): void;
}

/** The user's container labels, as annotations: they are notes about the pod, and need not be valid label values. */
function podAnnotations(s: Service, ctx: WorkloadContext): Record<string, string> {
  const hash = configHash(s, ctx.configs);
  const user = Object.fromEntries(Object.entries(s.labels).map(([k, t]) => [k, plainText(t, ctx.vars)]));
  return { ...user, ...(hash ? { [CONFIG_HASH_ANNOTATION]: hash } : {}) };
}

/** The GPU node selector for a service with GPUs, and its placement's node.labels.<k> == <v>; other constraints have no selector form. */
function nodeSelectorOf(s: Service, gpus: number | undefined, ctx: WorkloadContext): { nodeSelector?: Record<string, string> } {
  const selector: Record<string, string> = gpus ? { ...ctx.opts.gpuNodeSelector } : {};
  for (const c of s.placement ?? []) {
    const m = /^node\.labels\.(\S+?) *== *(\S+)$/.exec(c);
    if (m) selector[m[1]!] = m[2]!;
    else ctx.warn(`services.${s.origin.spec}.placement: ${c} has no nodeSelector form on Kubernetes (only node.labels.<k> == <v> has); left out`);
  }
  return Object.keys(selector).length ? { nodeSelector: selector } : {};
}

function podSpec(s: Service, claimed: ReadonlySet<string>, ctx: WorkloadContext): { spec: Record<string, unknown>; configMaps: KubeObject[] } {
  const mounts = podVolumes(s, claimed, { stack: ctx.stack, vars: ctx.vars, configs: ctx.configs, warn: ctx.warn });
  const waits = waitsOf(s, ctx.byName, ctx.warn);
  const gpus = gpuCount(s, ctx.warn);
  const ids = userIds(s, ctx.warn);
  const c = container(s, { vars: ctx.vars, refOf: ctx.refOf, volumeMounts: mounts.volumeMounts, gpus, ids });
  const { opts } = ctx;
  const spec: Record<string, unknown> = {
    ...(waits.readsJobs ? { serviceAccountName: JOB_WAITER } : { automountServiceAccountToken: false }),
    ...(waits.initContainers.length ? { initContainers: waits.initContainers } : {}),
    containers: [c],
    ...(mounts.volumes.length ? { volumes: mounts.volumes } : {}),
    ...(opts.imagePullSecrets.length ? { imagePullSecrets: opts.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...nodeSelectorOf(s, gpus, ctx),
    ...(gpus && opts.gpuTolerations.length ? { tolerations: opts.gpuTolerations } : {}),
    // Files in claimed volumes belong to the group the service runs as, so a non-root user can write its data.
    ...(ids && ids.uid !== 0 ? { securityContext: { fsGroup: ids.gid ?? ids.uid } } : {}),
    ...(s.stopGraceMs ? { terminationGracePeriodSeconds: Math.ceil(s.stopGraceMs / 1000) } : {}),
    ...(s.role === 'job' ? { restartPolicy: 'Never' } : {}),
  };
  return { spec, configMaps: mounts.configMaps };
}

/** The workload object and the ConfigMaps its pod mounts. `perPod`: the volumes its StatefulSet claims per pod. */
export function workload(s: Service, perPod: string[], ctx: WorkloadContext): KubeObject[] {
  const labels = labelsOf(s, ctx.stack);
  const { spec, configMaps } = podSpec(s, new Set(perPod), ctx);
  const annotations = podAnnotations(s, ctx);
  const template = { metadata: { labels, ...(Object.keys(annotations).length ? { annotations } : {}) }, spec };
  const meta = { name: s.name, labels };
  const selector = { matchLabels: selectorOf(s.name, ctx.stack) };
  // Compose runs a job once: so does its Job, with no retry.
  if (s.role === 'job') return [...configMaps, object('batch/v1', 'Job', meta, { spec: { backoffLimit: 0, template } })];
  // With an autoscaler, it sets the replicas: a count here would reset them at every apply.
  const replicas = s.autoscale ? {} : { replicas: s.replicas };
  if (perPod.length) {
    return [...configMaps, object('apps/v1', 'StatefulSet', meta, { spec: { serviceName: s.name, ...replicas, selector, template, volumeClaimTemplates: claimTemplates(s, perPod, ctx.stack) } })];
  }
  return [...configMaps, object('apps/v1', 'Deployment', meta, { spec: { ...replicas, selector, template } })];
}
