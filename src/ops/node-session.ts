/**
 * A release on a node as a Session, so the operations that run a stack here
 * (up's checks, its staged start, waiting for health, the failure report)
 * run it there unchanged: the runner and engine are the node's (over one ssh
 * connection), the stack's files are the release's, its lock is on the node,
 * and its run-time state (the fingerprints of the secrets its data was made
 * with) is kept beside the stack's releases here.
 */
import { makeDeps, type OpsDeps } from './deps.js';
import { makeSession, type Session } from './session.js';
import { releaseDir, type NodePlace } from './node-release.js';
import type { ReleaseBundle } from './release-files.js';
import type { Store } from '../store/store.js';
import { remoteLocks } from '../engine/remote-lock.js';

function releaseStore(deps: OpsDeps, p: NodePlace, dir: string, b: ReleaseBundle): Store {
  const runtime = deps.store.releases.runtime(p.stack, p.node.name);
  const written = () => {
    throw new Error('internal: a release on a node is written by deploy, not as a stored stack');
  };
  return {
    stacks: {
      names: () => [p.node.project],
      dir: () => dir,
      exists: () => true,
      manifest: () => b.manifest,
      manifestAsync: async () => b.manifest,
      requireManifest: () => b.manifest,
      env: () => b.env,
      specText: () => undefined,
      write: written,
      repair: () => undefined,
      delete: written,
    },
    locks: remoteLocks(p.remote.runner, p.locks, `node ${p.node.name} (${p.node.host})`),
    runtime: { read: () => runtime.read(), readAsync: async () => runtime.read(), update: (_, change) => runtime.update(change), forget: () => runtime.update(() => ({ scale: {}, initSecrets: {} })) },
    releases: deps.store.releases,
  };
}

/**
 * Release `n` of the stack on the node, as a session of the node's Compose
 * project. Without `secretEnv` (status, logs: nothing is created), the
 * secrets it does not store are not read.
 */
export function nodeSession(deps: OpsDeps, p: NodePlace, n: number, b: ReleaseBundle, secretEnv?: Record<string, string>): Session {
  const dir = releaseDir(p, n);
  const nodeDeps = makeDeps({
    home: deps.home,
    store: releaseStore(deps, p, dir, b),
    // The node's Compose sees only what the release's .env says: nothing of this machine's environment.
    env: {},
    runner: p.remote.runner,
    engine: () => p.remote.engine,
    now: deps.now,
    signal: deps.signal,
    onEvent: deps.onEvent,
    connect: deps.connect,
    onHost: p.node.host,
  });
  // The secrets it does not store come with each Compose command, read here (secret-env.ts).
  return makeSession(nodeDeps, b.manifest, { name: p.node.project, dir }, { secretEnv });
}
