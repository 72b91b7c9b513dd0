/**
 * A service's container: its image, command (Compose's entrypoint is
 * Kubernetes' command, its command the args), env, ports, probes, the
 * resources its memory and cpus ask for (requests equal to limits, as a
 * Compose limit is what the service was sized for), GPUs, and the security
 * its user, readOnly, noNewPrivileges, privileged and capAdd say.
 */
import type { Service } from '../../model/service.js';
import { containerText, plainText, type SecretRef } from './text.js';
import { kubeProbes } from './probe.js';

/** CPU a replica asks for when it scales on CPU and stack.yaml gave no cpus: utilization is measured against it. */
export const DEFAULT_CPU_REQUEST = '100m';

/** 0.5 -> 500m, 2 -> 2. */
export function cpuQuantity(cpus: number): string {
  const milli = Math.round(cpus * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Every port the container serves inside the cluster: its main port, its published ones, its metrics, the others it serves. */
export function servedPorts(s: Service): number[] {
  const ports = [s.mainPort, ...s.ports.map((p) => p.container), s.metrics?.port, ...(s.serves ?? [])].filter((p): p is number => p !== undefined);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** GPUs: a count; `all` (every GPU of the host) has no meaning on a cluster, so one. */
export function gpuCount(s: Service, warn: (m: string) => void): number | undefined {
  if (!s.gpu) return undefined;
  if (s.gpu.count !== 'all') return s.gpu.count;
  warn(`services.${s.origin.spec}.gpu: all means every GPU of the host; a pod asks for a number of them, so it asks for 1 (set gpu: n)`);
  return 1;
}

function resources(s: Service, gpus: number | undefined): Record<string, unknown> {
  const memory = `${s.memoryMiB}Mi`;
  const cpu = s.cpus !== undefined ? cpuQuantity(s.cpus) : undefined;
  const cpuRequest = cpu ?? (s.autoscale?.cpuPercent ? DEFAULT_CPU_REQUEST : undefined);
  return {
    limits: { memory, ...(cpu ? { cpu } : {}), ...(gpus ? { 'nvidia.com/gpu': gpus } : {}) },
    requests: { memory, ...(cpuRequest ? { cpu: cpuRequest } : {}) },
  };
}

/** A numeric user[:group]; a user name cannot be given to Kubernetes, which runs as a uid. */
export function userIds(s: Service, warn: (m: string) => void): { uid: number; gid?: number } | undefined {
  if (!s.user) return undefined;
  const [user, group] = s.user.split(':');
  if (!/^\d+$/.test(user!) || (group !== undefined && !/^\d+$/.test(group))) {
    warn(`services.${s.origin.spec}.user: ${s.user} is a name; Kubernetes runs a container as a numeric uid, so the image's own user is kept (give user: as uid[:gid])`);
    return undefined;
  }
  return { uid: Number(user), ...(group !== undefined ? { gid: Number(group) } : {}) };
}

function securityContext(s: Service, ids: { uid: number; gid?: number } | undefined): Record<string, unknown> | undefined {
  const sc: Record<string, unknown> = {
    ...(s.readOnly ? { readOnlyRootFilesystem: true } : {}),
    ...(s.noNewPrivileges && !s.privileged ? { allowPrivilegeEscalation: false } : {}),
    ...(ids ? { runAsUser: ids.uid, ...(ids.gid !== undefined ? { runAsGroup: ids.gid } : {}), ...(ids.uid !== 0 ? { runAsNonRoot: true } : {}) } : {}),
    ...(s.privileged ? { privileged: true } : {}),
    ...(s.capAdd?.length ? { capabilities: { add: s.capAdd } } : {}),
  };
  return Object.keys(sc).length ? sc : undefined;
}

export interface ContainerInput {
  vars: Readonly<Record<string, string>>;
  refOf(secret: string): SecretRef;
  volumeMounts: Record<string, unknown>[];
  gpus?: number;
  ids?: { uid: number; gid?: number };
}

export function container(s: Service, i: ContainerInput): Record<string, unknown> {
  const text = containerText(s, i.vars, i.refOf);
  const ports = servedPorts(s);
  return {
    name: s.name,
    image: plainText(s.image, i.vars),
    imagePullPolicy: 'IfNotPresent',
    ...(s.entrypoint ? { command: s.entrypoint.map(text.expand) } : {}),
    ...(s.command ? { args: s.command.map(text.expand) } : {}),
    ...(text.env.length ? { env: text.env } : {}),
    ...(ports.length ? { ports: ports.map((p) => ({ containerPort: p, protocol: 'TCP' })) } : {}),
    ...(s.probe ? kubeProbes(s.probe, text, i.vars) : {}),
    resources: resources(s, i.gpus),
    ...(securityContext(s, i.ids) ? { securityContext: securityContext(s, i.ids) } : {}),
    ...(i.volumeMounts.length ? { volumeMounts: i.volumeMounts } : {}),
  };
}
