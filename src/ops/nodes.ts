/**
 * What deploy, rollback and releases share: the stored stack with its nodes
 * (all, or those named), one connection per node for the whole command, and
 * who is deploying.
 */
import os from 'node:os';
import { UsageError } from '../errors.js';
import type { ManifestNode } from '../model/manifest.js';
import type { Remote } from '../engine/remote.js';
import { validateStackName } from '../store/home.js';
import type { ConnectOptions, OpsDeps } from './deps.js';
import { makeSession, type Session } from './session.js';
import { placeOn, type NodePlace } from './node-release.js';

/** The stored stack, which must have nodes, and the nodes asked for (default: all), in deploy order. */
export function openWithNodes(deps: OpsDeps, name: string, only: string[] = []): { s: Session; nodes: ManifestNode[] } {
  validateStackName(name);
  const manifest = deps.store.stacks.requireManifest(name);
  const all = manifest.nodes ?? [];
  if (!all.length) throw new UsageError(`stack ${name} has no nodes; name the machines under nodes: in stack.yaml and place services with node:, or run it here with berth up ${name}`);
  const unknown = only.find((n) => !all.some((x) => x.name === n));
  if (unknown) throw new UsageError(`--node: ${unknown} is not a node of stack ${name}; its nodes: ${all.map((n) => n.name).join(', ')}`);
  return { s: makeSession(deps, manifest, { name, dir: deps.store.stacks.dir(name) }), nodes: all.filter((n) => !only.length || only.includes(n.name)) };
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

/** user@machine, for a release's record. */
export function whoDeploys(deps: OpsDeps): string {
  return `${deps.env.USER ?? deps.env.LOGNAME ?? os.userInfo().username}@${os.hostname()}`;
}
