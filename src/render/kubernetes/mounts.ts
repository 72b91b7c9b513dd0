/**
 * A service's mounts as pod volumes: named volumes from their claim (a
 * template of the StatefulSet, or a claim of their own), config files from a
 * ConfigMap per mount (a file by subPath, a folder as items), a read-only
 * root filesystem's /tmp and a database's /dev/shm in memory. Host paths
 * cannot follow a pod to another node: each is left out with a warning that
 * says what to do instead.
 */
import path from 'node:path';
import type { ConfigFile } from '../../model/files.js';
import type { Mount, Service } from '../../model/service.js';
import { filesOfMount } from '../config-files.js';
import { dnsLabel, labelsOf, object, type KubeObject } from './meta.js';
import { plainText } from './text.js';

export interface PodVolumes {
  volumes: Record<string, unknown>[];
  volumeMounts: Record<string, unknown>[];
  configMaps: KubeObject[];
}

export interface MountContext {
  stack: string;
  vars: Readonly<Record<string, string>>;
  configs: ConfigFile[];
  warn(message: string): void;
}

/** A ConfigMap key for a file of a mounted folder: its path in the folder, / as __. */
const keyOf = (rel: string) => rel.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '_');

/** Readable by its owner alone: a private key, which a ConfigMap must not hold. */
const isPrivate = (f: ConfigFile) => ((f.mode ?? 0o644) & 0o077) === 0;

function configVolume(s: Service, m: Extract<Mount, { type: 'config' }>, ctx: MountContext, out: PodVolumes): void {
  const files = filesOfMount(s, m.path, ctx.configs);
  const single = files.length === 1 && files[0]!.path === m.path;
  const base = dnsLabel(`${s.name}-${path.basename(m.path)}`);
  const name = out.volumes.some((v) => v.name === base) ? `${base}-${out.volumes.length}` : base;
  const secretFiles = files.filter(isPrivate);
  if (secretFiles.length) ctx.warn(`services.${s.name}: ${secretFiles.map((f) => f.path).join(', ')} hold private keys, which belong in a Secret, not a ConfigMap; left out of ${m.target}`);
  const kept = files.filter((f) => !isPrivate(f));
  const items = kept.map((f) => ({ key: keyOf(single ? path.basename(f.path) : path.relative(m.path, f.path)), path: single ? path.basename(f.path) : path.relative(m.path, f.path), content: f.content }));
  out.configMaps.push(object('v1', 'ConfigMap', { name, labels: labelsOf(s, ctx.stack) }, { data: Object.fromEntries(items.map((i) => [i.key, i.content])) }));
  out.volumes.push({ name, configMap: { name, items: items.map(({ key, path: p }) => ({ key, path: p })) } });
  out.volumeMounts.push({ name, mountPath: m.target, readOnly: true, ...(single ? { subPath: path.basename(m.path) } : {}) });
}

function hostPathWarning(s: Service, source: string, target: string): string {
  if (source.endsWith('docker.sock')) return `services.${s.name}: mounts the Docker socket ${source} at ${target}, which a Kubernetes node does not offer (it runs containerd); left out, so ${s.name} cannot start containers there`;
  return `services.${s.name}: host path ${source} mounted at ${target} cannot follow a pod to another node; left out (put the data in a named volume, or mount a PersistentVolumeClaim or ConfigMap there)`;
}

/** `claimed`: named volumes that are a claim template of this service's StatefulSet (the rest are claims of their own). */
export function podVolumes(s: Service, claimed: ReadonlySet<string>, ctx: MountContext): PodVolumes {
  const out: PodVolumes = { volumes: [], volumeMounts: [], configMaps: [] };
  const seen = new Set<string>();
  for (const m of s.mounts) {
    const target = m.type === 'config' ? m.target : plainText(m.target, ctx.vars);
    if (m.type === 'bind') ctx.warn(hostPathWarning(s, plainText(m.source, ctx.vars), target));
    else if (m.type === 'config') configVolume(s, m, ctx, out);
    else {
      const name = dnsLabel(m.source);
      if (!claimed.has(m.source) && !seen.has(name)) out.volumes.push({ name, persistentVolumeClaim: { claimName: name } });
      seen.add(name);
      out.volumeMounts.push({ name, mountPath: target, ...(m.readOnly ? { readOnly: true } : {}) });
    }
  }
  if (s.readOnly) {
    out.volumes.push({ name: 'tmp', emptyDir: { medium: 'Memory' } });
    out.volumeMounts.push({ name: 'tmp', mountPath: '/tmp' });
  }
  if (s.shmMiB) {
    out.volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${s.shmMiB}Mi` } });
    out.volumeMounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  }
  return out;
}
