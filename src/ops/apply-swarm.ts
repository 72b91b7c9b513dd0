/**
 * Puts a Swarm release that is on a node back in charge: its images under
 * the references it ran, its stack file (kept in its release folder) deployed
 * again, the services a later release added removed (those berth made), and
 * the wait for health; the secrets and configs it names are still on the
 * manager, since berth removes none. Volumes are never touched.
 */
import { parse } from 'yaml';
import type { NodeRelease } from '../model/release.js';
import { SWARM_FILE } from '../render/swarm/index.js';
import { putBack } from '../engine/images.js';
import { runOrFail } from '../engine/runner.js';
import { remoteLocks } from '../engine/remote-lock.js';
import { removeServices, requireManager, stackDeploy, stackServices } from '../engine/swarm.js';
import type { OpsDeps } from './deps.js';
import type { ApplyOptions } from './apply-release.js';
import { makeCurrent, releaseDir, type NodePlace } from './node-release.js';
import { updateMarks, waitSwarm } from './swarm-wait.js';

export async function applySwarmRelease(deps: OpsDeps, p: NodePlace, n: number, release: NodeRelease, o: ApplyOptions): Promise<void> {
  const runner = p.remote.runner;
  deps.onEvent({ type: 'progress', message: `${p.node.name}: putting release ${n} back on Swarm` });
  await requireManager(runner, `node ${p.node.name} (${p.node.host})`);
  const file = `${releaseDir(p, n)}/${SWARM_FILE}`;
  const text = await runOrFail(runner, { argv: ['cat', file] }, `reading release ${n} on ${p.node.name}`);
  const services = Object.keys((parse(text) as { services?: Record<string, unknown> }).services ?? {});
  const locks = remoteLocks(runner, p.locks, `node ${p.node.name} (${p.node.host})`);
  await locks.withLock(p.node.project, 'rollback', async () => {
    for (const image of release.images) await putBack(runner, image, { local: deps.runner, saved: o.saved });
    const before = await updateMarks(runner, p.node.project);
    await stackDeploy(runner, file, p.node.project, 'never');
    // What a later release of berth's added goes: the stack is as release n left it (its volumes stay).
    const added = (await stackServices(runner, p.node.project)).filter((s) => s.berths && !services.includes(s.name)).map((s) => s.name);
    if (added.length) deps.onEvent({ type: 'progress', message: `${p.node.name}: removing ${added.join(', ')}, which release ${n} did not run` });
    await removeServices(runner, p.node.project, added);
    await waitSwarm(deps, runner, p.node.project, services, { timeoutMs: o.timeoutMs, before, say: (m) => deps.onEvent({ type: 'progress', message: `${p.node.name}: ${m}` }) });
    await makeCurrent(p, n);
  });
  deps.store.releases.setCurrent(p.stack, p.node.name, n);
}
