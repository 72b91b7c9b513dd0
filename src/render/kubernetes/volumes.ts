/**
 * Where each named volume lives. A volume only one single-replica service
 * mounts is that service's own: a claim template of its StatefulSet, so
 * the data follows the pod. A volume several pods mount at once (several
 * services, or replicas) is one PersistentVolumeClaim they share, which
 * needs ReadWriteMany storage: said in a warning. A job's own volume is a
 * plain claim (a Job has no claim templates).
 */
import type { Service, VolumeStorage } from '../../model/service.js';
import { dnsLabel, labelsOf, object, stackLabels, type KubeObject } from './meta.js';

export interface VolumePlan {
  /** Volumes that are claim templates of their one service's StatefulSet. */
  perPod: Map<string, string[]>;
  /** Claims of their own, with the services that mount each. */
  shared: Map<string, Service[]>;
}

const volumeNames = (s: Service) => [...new Set(s.mounts.flatMap((m) => (m.type === 'volume' ? [m.source] : [])))];

/** One pod at a time: a long-running service with one replica that scales on nothing. */
export const singlePod = (s: Service) => s.role === 'service' && s.replicas === 1 && !s.autoscale;

export function planVolumes(services: Service[]): VolumePlan {
  const owners = new Map<string, Service[]>();
  for (const s of services) for (const v of volumeNames(s)) owners.set(v, [...(owners.get(v) ?? []), s]);
  const perPod = new Map<string, string[]>();
  const shared = new Map<string, Service[]>();
  for (const [v, users] of owners) {
    if (users.length === 1 && singlePod(users[0]!)) perPod.set(users[0]!.name, [...(perPod.get(users[0]!.name) ?? []), v]);
    else shared.set(v, users);
  }
  return { perPod, shared };
}

/** The storage asked for a volume: the largest any mount of it asks, the first class named. */
function storageOf(volume: string, users: Service[]): VolumeStorage {
  const asked = users.flatMap((s) => s.mounts.flatMap((m) => (m.type === 'volume' && m.source === volume && m.storage ? [m.storage] : [])));
  const className = asked.find((a) => a.className)?.className;
  return { sizeMiB: Math.max(1, ...asked.map((a) => a.sizeMiB)), ...(className ? { className } : {}) };
}

/** 5120 -> 5Gi, 100 -> 100Mi. */
export const storageQuantity = (mib: number) => (mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);

function claimSpec(storage: VolumeStorage, accessMode: string): Record<string, unknown> {
  return {
    accessModes: [accessMode],
    resources: { requests: { storage: storageQuantity(storage.sizeMiB) } },
    ...(storage.className ? { storageClassName: storage.className } : {}),
  };
}

/** The claim templates of a StatefulSet that owns `volumes`. */
export function claimTemplates(s: Service, volumes: string[], stack: string): Record<string, unknown>[] {
  return volumes.map((v) => ({ metadata: { name: dnsLabel(v), labels: labelsOf(s, stack) }, spec: claimSpec(storageOf(v, [s]), 'ReadWriteOnce') }));
}

/** A claim of its own for a volume; ReadWriteMany when more than one pod mounts it at once, with a warning saying so. */
export function sharedClaim(volume: string, users: Service[], stack: string, warn: (m: string) => void): KubeObject {
  const pods = users.length > 1 || users.some((s) => s.replicas > 1 || s.autoscale);
  if (pods) {
    const who = users.map((s) => s.name).join(', ');
    warn(`volume ${volume}: mounted by ${users.length > 1 ? who : `the replicas of ${who}`} at once; claimed ReadWriteMany, which needs a storage class that offers it (NFS, CephFS, a cloud file store)`);
  }
  return object('v1', 'PersistentVolumeClaim', { name: dnsLabel(volume), labels: stackLabels(stack) }, { spec: claimSpec(storageOf(volume, users), pods ? 'ReadWriteMany' : 'ReadWriteOnce') });
}
