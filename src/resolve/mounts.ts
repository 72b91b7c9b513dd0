/**
 * One container path takes one mount. Compose refuses a file with two mounts
 * on a target ("Duplicate mount points"), and Docker refuses a volume over the
 * in-memory /tmp that readOnly adds, but only when the container is created.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Mount, Service } from '../model/service.js';
import { mapAsString } from '../model/text.js';
import { writeInterpolated } from '../spec/interpolation.js';

/** `/data/` and `/data/./` are `/data` to Docker; as written in stack.yaml, to compare and show. */
function normalTarget(m: Mount): string {
  return writeInterpolated(
    mapAsString(m.target, (target) => {
      const t = path.posix.normalize(target);
      return t.length > 1 ? t.replace(/\/+$/, '') : t;
    }),
  );
}

/** How a mount is named in a message: as the user wrote it, or what the component adds. */
function describe(m: Mount, component: string): string {
  const source = m.type === 'config' ? `./${m.path}` : writeInterpolated(m.source);
  if (m.givenAt) return `${source}:${writeInterpolated(m.target)}`;
  return `${component}'s own ${m.type === 'volume' ? `volume ${source}` : `file ${source}`}`;
}

/** `specName` is the stack.yaml service the fragment comes from, for mounts the component adds itself. */
export function checkMountTargets(specName: string, services: Service[]): void {
  for (const svc of services) {
    const taken = new Map<string, Mount | 'tmpfs'>();
    if (svc.readOnly) taken.set('/tmp', 'tmpfs');
    for (const m of svc.mounts) {
      const target = normalTarget(m);
      const other = taken.get(target);
      taken.set(target, m);
      if (!other) continue;
      // Reported under the key of the mount the user gave, which is the one to change.
      const mine = m.givenAt || other === 'tmpfs' ? m : other;
      const theirs = mine === m ? other : m;
      const what = theirs === 'tmpfs' ? 'the in-memory /tmp of readOnly: true' : describe(theirs, svc.component);
      throw new UsageError(
        `${mine.givenAt ?? `services.${specName}.volumes`}: ${describe(mine, svc.component)} and ${what} both mount on ${target}; a container path takes one mount, so drop one or mount it elsewhere`,
      );
    }
  }
}
