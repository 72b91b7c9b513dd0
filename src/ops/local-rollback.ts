/**
 * Puts a release of this machine's part back (berth rollback): the stack
 * folder's files as they were then, with the secrets .env has now (data
 * made with them would not open with older ones), its images under the
 * references it ran (a tag that moved since is moved back), then up with
 * that release's variables, waiting for health. Volumes are never touched.
 * If it does not come back healthy, the folder gets the files it had before
 * the rollback again, so `berth up` starts what was there.
 */
import { BerthError, isBerthError } from '../errors.js';
import { putBack } from '../engine/images.js';
import type { ServiceView } from '../engine/state.js';
import type { FileOut } from '../model/files.js';
import { MANIFEST_FILE } from '../render/files.js';
import { replaceDir } from '../store/atomic.js';
import { parseManifest } from '../store/manifest.js';
import { HERE } from '../model/release.js';
import { localReleaseFiles } from './local-release.js';
import { filesUnder } from './release-files.js';
import { openStack, type Session } from './session.js';
import { upLocked } from './up.js';

export interface HereOptions {
  timeoutMs: number;
  onUpdate?(views: ServiceView[]): void;
}

/** The restored manifest keeps every volume the stack has ever declared, so clean still knows the later ones. */
function keepVolumesEver(files: FileOut[], now: Session): FileOut[] {
  return files.map((f) => {
    if (f.path !== MANIFEST_FILE) return f;
    const m = parseManifest(f.content, MANIFEST_FILE, now.ref.name);
    const volumesEver = [...new Set([...m.volumesEver, ...now.manifest.volumesEver])].sort();
    return { ...f, content: JSON.stringify({ ...m, volumesEver }, null, 2) + '\n' };
  });
}

/** Release `n` of this machine's part, started and healthy; for a caller that holds the stack's lock. */
export async function rollbackHere(s: Session, n: number, o: HereOptions): Promise<void> {
  const { deps } = s;
  const name = s.ref.name;
  const record = deps.store.releases.list(name).find((r) => r.number === n);
  const here = record?.nodes[HERE];
  if (!record || !here) throw new BerthError(`release ${n} of stack ${name} did not run on this machine; berth releases ${name} lists them`, { code: 'not_found' });
  const before = filesUnder(s.ref.dir);
  let files: FileOut[];
  try {
    files = keepVolumesEver(localReleaseFiles(s, here, n, before), s);
  } catch (e) {
    throw new BerthError(`release ${n} of stack ${name} cannot be put back here: ${(e as Error).message}; pick a newer one (berth releases ${name})`, { code: 'not_found' });
  }
  deps.onEvent({ type: 'progress', message: `${HERE}: starting release ${n}` });
  replaceDir(s.ref.dir, files);
  try {
    for (const image of here.images) await putBack(deps.runner, image);
    await upLocked(openStack(deps, name), { wait: true, timeoutMs: o.timeoutMs, onUpdate: o.onUpdate, choices: { vars: record.vars } });
  } catch (e) {
    replaceDir(s.ref.dir, before);
    const code = isBerthError(e) ? e.code : 'failed';
    throw new BerthError(`release ${n} did not come back on this machine: ${(e as Error).message.split('\n')[0]}; the stack's files are as they were before the rollback (berth up ${name} starts them)`, { code });
  }
  deps.store.releases.setCurrent(name, HERE, n);
}
