/**
 * Puts a release that is on a node back in charge: its images under the
 * references it ran (a tag that moved since is moved back), Compose run in
 * its folder, berth's staged start, the wait for health, then `current`. What
 * rollback does, by hand or after a deploy failed its health gate. Volumes
 * are never touched: the data stays as the later release left it.
 */
import type { ServiceView } from '../engine/state.js';
import { putBack, type SavedImages } from '../engine/images.js';
import type { OpsDeps } from './deps.js';
import { makeCurrent, readBack, releaseDir, type NodePlace } from './node-release.js';
import { bundleOf } from './release-files.js';
import { nodeSession } from './node-session.js';
import { withStackLock } from './session.js';
import { upLocked } from './up.js';
import { releaseSecrets } from './secret-env.js';
import type { SecretReader } from '../engine/secrets/index.js';
import { applySwarmRelease } from './apply-swarm.js';

export interface ApplyOptions {
  timeoutMs: number;
  /** Reads the release's provider secrets again (on this machine). */
  secrets: SecretReader;
  /** Images a node no longer has are sent again from this machine's engine, saved here once per command. */
  saved: SavedImages;
  onUpdate?(views: ServiceView[]): void;
}

/** Starts release `n` of the node again and waits until it is healthy; the node then runs it. */
export async function applyRelease(deps: OpsDeps, p: NodePlace, n: number, o: ApplyOptions): Promise<void> {
  const here = deps.store.releases.list(p.stack).find((r) => r.number === n)?.nodes[p.node.name];
  if (here?.target === 'swarm') return applySwarmRelease(deps, p, n, here, o);
  deps.onEvent({ type: 'progress', message: `${p.node.name}: starting release ${n}` });
  const { files, record } = await readBack(p, n);
  const bundle = bundleOf(files, p.node.project, `${p.node.name}:${releaseDir(p, n)}`);
  const secretEnv = await releaseSecrets(deps, o.secrets, bundle.manifest, { stack: p.stack, node: p.node.name });
  const s = nodeSession(deps, p, n, bundle, secretEnv);
  await withStackLock(s, 'rollback', async () => {
    for (const image of record?.nodes[p.node.name]?.images ?? []) await putBack(p.remote.runner, image, { local: deps.runner, saved: o.saved });
    await upLocked(s, { wait: true, timeoutMs: o.timeoutMs, onUpdate: o.onUpdate });
    await makeCurrent(p, n);
  });
  deps.store.releases.setCurrent(p.stack, p.node.name, n);
}
