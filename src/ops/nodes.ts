/**
 * What deploy, rollback, releases and the views of one node share: the
 * stored stack with its nodes (all, or those named), the release a node runs,
 * one connection per node for the whole command, and who is deploying.
 */
import os from 'node:os';
import { UsageError } from '../errors.js';
import type { Manifest, ManifestNode } from '../model/manifest.js';
import { HERE, type NodeRelease } from '../model/release.js';
import type { Remote } from '../engine/remote.js';
import { validateStackName } from '../store/home.js';
import type { ConnectOptions, OpsDeps } from './deps.js';
import { makeSession, type Session } from './session.js';
import { placeOn, type NodePlace } from './node-release.js';

/**
 * The stack as a session, and its nodes asked for (default: all, in deploy
 * order); a name it does not know is refused, naming those it does (`also`:
 * names that are not nodes, such as `here`).
 */
function asked(deps: OpsDeps, name: string, manifest: Manifest, only: string[], also: string[] = []): { s: Session; nodes: ManifestNode[] } {
  const all = manifest.nodes ?? [];
  const known = [...all.map((n) => n.name), ...also];
  const unknown = only.find((n) => !known.includes(n));
  if (unknown) throw new UsageError(`--node: ${unknown} is not a node of stack ${name}; its nodes: ${known.join(', ')}${also.includes(HERE) ? ` (${HERE} is this machine)` : ''}`);
  return { s: makeSession(deps, manifest, { name, dir: deps.store.stacks.dir(name) }), nodes: all.filter((n) => !only.length || only.includes(n.name)) };
}

/** The stored stack, which must have nodes, and the nodes asked for (default: all), in deploy order. */
export function openWithNodes(deps: OpsDeps, name: string, only: string[] = []): { s: Session; nodes: ManifestNode[] } {
  validateStackName(name);
  const manifest = deps.store.stacks.requireManifest(name);
  if (!manifest.nodes?.length) throw new UsageError(`stack ${name} has no nodes; name the machines under nodes: in stack.yaml and place services with node:, or run it here with berth up ${name}`);
  return asked(deps, name, manifest, only);
}

/**
 * The stored stack and the parts of it releases name: the nodes asked for
 * (default: all) and whether this machine's part (`here`) is asked for.
 */
export function openReleases(deps: OpsDeps, name: string, only: string[] = []): { s: Session; nodes: ManifestNode[]; here: boolean } {
  validateStackName(name);
  return { ...asked(deps, name, deps.store.stacks.requireManifest(name), only, [HERE]), here: !only.length || only.includes(HERE) };
}

/** Each node opened once, on first use, and all closed together. */
export class Connections {
  private readonly open = new Map<string, Promise<Remote>>();
  constructor(
    private readonly deps: OpsDeps,
    private readonly o: ConnectOptions = {},
  ) {}

  /** The stack's release folders on the node, over its connection. */
  async place(stack: string, node: ManifestNode): Promise<NodePlace> {
    let remote = this.open.get(node.name);
    if (!remote) {
      this.deps.onEvent({ type: 'progress', message: `${node.name}: connecting to ${node.host}` });
      remote = this.deps.connect(node.host, this.o);
      this.open.set(node.name, remote);
    }
    return placeOn(await remote, stack, node);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((r) => r.then((x) => x.close(), () => undefined)));
  }
}

/** The release of a stack a node runs, as recorded here at its deploy. */
export interface NodeRun {
  node: ManifestNode;
  number: number;
  release: NodeRelease;
}

/** Which release of the stack node `nodeName` runs; refused, naming the fix, when the node is not the stack's or runs none. */
export function nodeRun(deps: OpsDeps, name: string, nodeName: string): NodeRun {
  const { nodes } = openWithNodes(deps, name, [nodeName]);
  const node = nodes[0]!;
  const number = deps.store.releases.current(name)[node.name];
  const release = number === undefined ? undefined : deps.store.releases.list(name).find((r) => r.number === number)?.nodes[node.name];
  if (number === undefined || !release) throw new UsageError(`--node: ${node.name} runs no release of ${name} yet; berth deploy ${name} --node ${node.name} puts one there`);
  return { node, number, release };
}

/** Runs `fn` with the stack's release folders on the node, over a connection of its own that is closed after. */
export async function onNode<T>(deps: OpsDeps, name: string, node: ManifestNode, o: ConnectOptions, fn: (p: NodePlace) => Promise<T>): Promise<T> {
  const conns = new Connections(deps, o);
  try {
    return await fn(await conns.place(name, node));
  } finally {
    await conns.closeAll();
  }
}

/** user@machine, for a release's record. */
export function whoDeploys(deps: OpsDeps): string {
  return `${deps.env.USER ?? deps.env.LOGNAME ?? os.userInfo().username}@${os.hostname()}`;
}
