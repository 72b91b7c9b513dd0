/**
 * Storage: every named volume gets the disk it asks for where a target sizes
 * volumes (a Kubernetes claim): the service's `storage:`, else its
 * component's default, else 1g; a volume the catalog sized itself (a small
 * config volume) keeps its size. Compose ignores it.
 */
import { UsageError } from '../errors.js';
import type { Service } from '../model/service.js';
import { mustParseSize, toMiB } from '../util/size.js';
import type { SpecService } from './spec.js';

const DEFAULT_SIZE = '1g';

export function settleStorage(spec: SpecService[], produced: Map<string, Service[]>): void {
  for (const s of spec) {
    const given = s.options.storage;
    const services = produced.get(s.name) ?? [];
    const hasVolume = services.some((svc) => svc.mounts.some((m) => m.type === 'volume'));
    if (given && !hasVolume) throw new UsageError(`services.${s.name}.storage: ${s.name} has no named volume to size; drop storage, or mount one (volumes: [data:/data])`);
    const sizeMiB = toMiB(mustParseSize(given?.size ?? s.def.storage ?? DEFAULT_SIZE, `services.${s.name}.storage.size`));
    for (const svc of services) {
      svc.mounts = svc.mounts.map((m) =>
        m.type === 'volume' ? { ...m, storage: { sizeMiB: m.storage?.sizeMiB ?? sizeMiB, ...(given?.class ? { className: given.class } : {}) } } : m,
      );
    }
  }
}
