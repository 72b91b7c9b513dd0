/**
 * Which config files a service mounts, and a hash of them: every target
 * marks a service with the hash (a Compose label, a Kubernetes pod
 * annotation), so changed config replaces its containers.
 */
import { createHash } from 'node:crypto';
import type { ConfigFile, FileOut } from '../model/files.js';
import type { Service } from '../model/service.js';
import { byText } from '../util/order.js';

/** A config file at a mount's path, or in the folder it mounts. */
export const mountedBy = (file: ConfigFile, path: string) => file.path === path || file.path.startsWith(`${path}/`);
export const byPath = (a: FileOut, b: FileOut) => byText(a.path, b.path);

/** The files of one config mount of `s`, by path. */
export function filesOfMount(s: Service, path: string, configs: ConfigFile[]): ConfigFile[] {
  return configs.filter((f) => f.consumers.includes(s.name) && mountedBy(f, path)).sort(byPath);
}

/** The hash of the config files a service mounts, mount by mount (each one's files by path). */
export function configHash(s: Service, configs: ConfigFile[]): string | undefined {
  const mounts = s.mounts.filter((m) => m.type === 'config');
  if (!mounts.length) return undefined;
  const h = createHash('sha256');
  for (const m of mounts) {
    for (const f of filesOfMount(s, m.path, configs)) h.update(f.path).update('\0').update(f.content).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}
