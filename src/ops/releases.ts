/** berth releases: a stack's releases as recorded here, newest first, with what each node runs now. */
import type { ReleaseRecord } from '../model/release.js';
import type { OpsDeps } from './deps.js';
import { HERE } from '../model/release.js';
import { openReleases } from './nodes.js';

export interface ReleaseList {
  stack: string;
  /** Newest first; with a node asked for, only the releases that reached it. */
  releases: ReleaseRecord[];
  /** node -> the release it runs now. */
  current: Record<string, number>;
}

/** What makes a stack's first release: up for its part on this machine, deploy for its nodes. */
export function firstReleaseHint(deps: OpsDeps, name: string): string {
  const m = deps.store.stacks.requireManifest(name);
  const ways = [...(m.services.length ? [`berth up ${name}`] : []), ...(m.nodes?.length ? [`berth deploy ${name}`] : [])];
  return `${ways.join(' or ')} makes the first`;
}

export function listReleases(deps: OpsDeps, name: string, o: { node?: string } = {}): ReleaseList {
  const { nodes, here } = openReleases(deps, name, o.node ? [o.node] : []);
  const wanted = new Set([...nodes.map((n) => n.name), ...(here ? [HERE] : [])]);
  const releases = deps.store.releases
    .list(name)
    .filter((r) => !o.node || r.nodes[o.node])
    .reverse();
  const current = Object.fromEntries(Object.entries(deps.store.releases.current(name)).filter(([n]) => wanted.has(n)));
  return { stack: name, releases, current };
}
