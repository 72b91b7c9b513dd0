/**
 * status, logs and scale of a stack's part that a node runs with Compose (berth
 * deploy without --swarm): the release that runs there as a session whose
 * engine is the node's, over the node's ssh connection, read by the same
 * code as status and logs of a stack here. A Swarm node's status is the
 * manager's (swarm-node.ts).
 */
import { UsageError } from '../errors.js';
import { MANIFEST_FILE } from '../render/files.js';
import type { ConnectOptions, OpsDeps } from './deps.js';
import { nodeRun, onNode, type NodeRun } from './nodes.js';
import { readBack, releaseDir, type NodePlace } from './node-release.js';
import { bundleOf, type ReleaseBundle } from './release-files.js';
import { nodeSession } from './node-session.js';
import { expandServices, type Session } from './session.js';
import { sessionStatus, type StackStatus } from './status.js';
import { streamStackLogs, type LogRecord, type LogsOptions } from './logs.js';
import { swarmStatus, type SwarmStatus } from './swarm-node.js';
import { parseScale, scaleStack } from './scale.js';
import { releaseSecrets, secretReader } from './secret-env.js';
import type { ServiceView } from '../engine/state.js';

export interface ComposeNodeStatus extends StackStatus {
  node: string;
  /** The node's Compose project. */
  project: string;
  /** The release that runs there. */
  release: number;
}

export type NodeStatus = { target: 'compose'; status: ComposeNodeStatus } | { target: 'swarm'; status: SwarmStatus };

/** How the node runs its release of the stack; refused (naming the fix) when it runs none. */
export function nodeTarget(deps: OpsDeps, name: string, nodeName: string): 'compose' | 'swarm' {
  return nodeRun(deps, name, nodeName).release.target ?? 'compose';
}

/**
 * The release's manifest, from its record here (it holds no secret), else
 * read back from the node (a release deployed from another machine).
 */
async function releaseBundle(deps: OpsDeps, p: NodePlace, n: number): Promise<ReleaseBundle> {
  const where = `${p.node.name}:${releaseDir(p, n)}`;
  const recorded = deps.store.releases.list(p.stack).find((r) => r.number === n)?.nodes[p.node.name]?.files.find((f) => f.path === MANIFEST_FILE)?.content;
  if (recorded !== undefined) return bundleOf([{ path: MANIFEST_FILE, content: recorded }], p.node.project, where);
  return bundleOf((await readBack(p, n)).files, p.node.project, where);
}

/** Runs `fn` on a session of the release the node runs (what its `current` names), over one connection closed after. */
function onComposeNode<T>(deps: OpsDeps, run: NodeRun, name: string, o: ConnectOptions, fn: (s: Session, p: NodePlace, n: number) => Promise<T>): Promise<T> {
  return onNode(deps, name, run.node, o, async (p) => {
    const n = p.current;
    if (n === undefined) throw new UsageError(`--node: ${p.node.name} runs no release of ${name} (${p.base} has no current); berth deploy ${name} --node ${p.node.name} puts one there`);
    return fn(nodeSession(deps, p, n, await releaseBundle(deps, p, n)), p, n);
  });
}

/** A node's part of the stack: its services as `berth status` shows them here (Compose), or the Swarm manager's view. */
export async function nodeStatus(deps: OpsDeps, name: string, nodeName: string, o: ConnectOptions = {}): Promise<NodeStatus> {
  const run = nodeRun(deps, name, nodeName);
  if (run.release.target === 'swarm') return { target: 'swarm', status: await swarmStatus(deps, name, nodeName, o) };
  return onComposeNode(deps, run, name, o, async (s, p, n) => ({ target: 'compose', status: { ...(await sessionStatus(s)), stack: name, node: p.node.name, project: p.node.project, release: n } }));
}

/**
 * Writes the records of the logs of a node's Compose services, read from its
 * engine as `berth logs --json` reads them here (followed until `signal`
 * aborts); how many containers there were.
 */
export async function composeNodeLogs(deps: OpsDeps, name: string, nodeName: string, o: LogsOptions & ConnectOptions, write: (r: LogRecord) => void): Promise<number> {
  const run = nodeRun(deps, name, nodeName);
  if (run.release.target === 'swarm') throw new Error('internal: a Swarm node\'s logs are read by swarm-node.ts');
  return onComposeNode(deps, run, name, o, (s) => streamStackLogs(s, { ...o, services: expandServices(s, o.services) }, write));
}

/**
 * Replicas of a node's Compose services, as `berth scale` sets them here:
 * the release the node runs started again for those services, with its
 * secrets read here and sent on stdin, until the node's next deploy.
 */
export async function composeNodeScale(deps: OpsDeps, name: string, nodeName: string, pairs: string[], o: ConnectOptions & { wait: boolean; timeoutMs: number; onUpdate?(views: ServiceView[]): void }): Promise<Record<string, number>> {
  const run = nodeRun(deps, name, nodeName);
  if (run.release.target === 'swarm') throw new Error("internal: a Swarm node's scale is swarm-node.ts's");
  return onComposeNode(deps, run, name, o, async (_, p, n) => {
    // Its .env too (Compose starts containers with it), read back from the node.
    const s = nodeSession(deps, p, n, bundleOf((await readBack(p, n)).files, p.node.project, `${p.node.name}:${releaseDir(p, n)}`));
    const scale = parseScale(s, pairs);
    s.secretEnv = await releaseSecrets(deps, secretReader(deps), s.manifest, { stack: name, node: p.node.name });
    await scaleStack(s, scale, { wait: o.wait, timeoutMs: o.timeoutMs, onUpdate: o.onUpdate });
    return scale;
  });
}
