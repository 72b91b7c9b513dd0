/**
 * berth rollback: each node back to the release it ran as of release N
 * (default: the last healthy release before the one running), its files and
 * images re-applied and its health waited for. Nodes that release did not
 * reach go back to what they ran then. Data volumes are left as they are.
 */
import { BerthError, UsageError } from '../errors.js';
import { HERE, type ReleaseRecord } from '../model/release.js';
import type { ManifestNode } from '../model/manifest.js';
import type { ServiceView } from '../engine/state.js';
import type { OpsDeps } from './deps.js';
import { applyRelease } from './apply-release.js';
import { SavedImages } from '../engine/images.js';
import { Connections, openReleases } from './nodes.js';
import { rollbackHere } from './local-rollback.js';
import { firstReleaseHint } from './releases.js';
import { withStackLock } from './session.js';
import { secretReader } from './secret-env.js';

export interface RollbackOptions {
  nodes?: string[];
  timeoutMs: number;
  acceptNewHostKey?: boolean;
  onUpdate?(node: string, views: ServiceView[]): void;
}

export interface RollbackResult {
  number: number;
  /** node -> the release it runs now. */
  nodes: Record<string, number>;
}

/** The release a node ran as of release `n`: the last one up to n that became healthy there. */
export function releaseAsOf(records: ReleaseRecord[], node: string, n: number): number | undefined {
  return records.filter((r) => r.number <= n && r.nodes[node]?.result === 'healthy').at(-1)?.number;
}

/** Release N, or by default the last healthy one before the newest that runs. */
function target(records: ReleaseRecord[], current: Record<string, number>, stack: string, asked?: number): number {
  if (asked !== undefined) {
    if (!records.some((r) => r.number === asked)) throw new UsageError(`stack ${stack} has no release ${asked}; berth releases ${stack} lists them`);
    return asked;
  }
  const running = Math.max(0, ...Object.values(current));
  const before = records.filter((r) => r.number < running && r.result === 'healthy').at(-1);
  if (!before) throw new BerthError(`stack ${stack} has no healthy release before release ${running}, so there is nothing to go back to; berth releases ${stack} lists them`, { code: 'not_found' });
  return before.number;
}

export async function rollbackStack(deps: OpsDeps, name: string, asked: number | undefined, o: RollbackOptions): Promise<RollbackResult> {
  const { s, nodes, here } = openReleases(deps, name, o.nodes);
  return withStackLock(s, 'rollback', async () => {
    const records = deps.store.releases.list(name);
    if (!records.length) throw new BerthError(`stack ${name} has no releases yet; ${firstReleaseHint(deps, name)}`, { code: 'not_found' });
    const number = target(records, deps.store.releases.current(name), name, asked);
    const done: Record<string, number> = {};
    await rollbackNodes(deps, { name, records, number, nodes, done }, o);
    const to = here ? releaseAsOf(records, HERE, number) : undefined;
    if (to !== undefined) {
      await rollbackHere(s, to, { timeoutMs: o.timeoutMs, onUpdate: (v) => o.onUpdate?.(HERE, v) });
      done[HERE] = to;
    }
    return { number, nodes: done };
  });
}

interface NodesRollback {
  name: string;
  records: ReleaseRecord[];
  number: number;
  nodes: ManifestNode[];
  /** node -> the release it runs now, filled as each is back. */
  done: Record<string, number>;
}

/** Each node back to the release it ran as of release `number`, in turn, over one connection each. */
async function rollbackNodes(deps: OpsDeps, { name, records, number, nodes, done }: NodesRollback, o: RollbackOptions): Promise<void> {
  const conns = new Connections(deps, { acceptNewHostKey: o.acceptNewHostKey });
  const secrets = secretReader(deps);
  const saved = new SavedImages(deps.runner);
  try {
    for (const node of nodes) {
      const to = releaseAsOf(records, node.name, number);
      if (to === undefined) {
        deps.onEvent({ type: 'warning', message: `node ${node.name} ran no release of ${name} as of release ${number}; left as it is` });
        continue;
      }
      const p = await conns.place(name, node);
      if (!p.numbers.includes(to)) throw new BerthError(`release ${to} is no longer on node ${node.name} (${p.base}); deploy again instead`, { code: 'not_found' });
      await applyRelease(deps, p, to, { timeoutMs: o.timeoutMs, secrets, saved, onUpdate: (v) => o.onUpdate?.(node.name, v) });
      done[node.name] = to;
    }
  } finally {
    saved.dispose();
    await conns.closeAll();
  }
}
