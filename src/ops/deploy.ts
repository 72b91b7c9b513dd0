/**
 * berth deploy: a new release of a stack on its nodes. The images of services
 * that build (build:) are built here first (release-build.ts). Node by node (a
 * node after those it uses): the node's bundle copied into a new release
 * folder, its images pulled there (or sent from here; those built here always
 * are), then the same start as `up` (its checks, the staged start, the wait
 * for health) on the node's engine, under the stack's lock here and on the
 * node. A release that fails its
 * health gate on any node is undone on every node it reached, each back to
 * the release it ran before, and the deploy fails naming the service. Every
 * deploy is recorded here and on each node.
 */
import { BerthError, UsageError } from '../errors.js';
import { BERTH_VERSION } from '../catalog/_berth.js';
import type { ManifestNode } from '../model/manifest.js';
import { RELEASE_FORMAT, type NodeRelease, type ReleaseRecord } from '../model/release.js';
import { composeArgs } from '../engine/compose.js';
import { imageFacts, SavedImages, shipImages } from '../engine/images.js';
import type { ServiceView } from '../engine/state.js';
import type { OpsDeps } from './deps.js';
import { applyRelease } from './apply-release.js';
import { makeCurrent, objectsKept, prune, releaseDir, settleNode, upload, writeRecord, type NodePlace } from './node-release.js';
import { pruneObjects } from '../engine/swarm.js';
import { nodeSession } from './node-session.js';
import { Connections, openWithNodes, whoDeploys } from './nodes.js';
import { envRecord, fileRecords, nodeBundle, releaseImages, type ReleaseBundle } from './release-files.js';
import { buildForNode, nodesBuild, withBuiltImages } from './release-build.js';
import { runCompose, withStackLock, type Session } from './session.js';
import { upLocked } from './up.js';
import { swarmDeployer } from './deploy-swarm.js';
import { releaseVars } from './release-vars.js';
import { releaseSecrets, secretReader } from './secret-env.js';
import type { SecretReader } from '../engine/secrets/index.js';

export interface DeployOptions {
  /** Only these nodes (default: all of the stack's). */
  nodes?: string[];
  /** NAME=value pairs for variables of the stack, for this release. */
  vars?: string[];
  /** IMAGE_TAG for this release. */
  tag?: string;
  /** Send images from this machine instead of pulling them on the node. */
  shipImages?: boolean;
  /** Release folders kept on each node after a healthy deploy (default 5). */
  keep?: number;
  timeoutMs: number;
  acceptNewHostKey?: boolean;
  onUpdate?(node: string, views: ServiceView[]): void;
  /** Deploy every node to Docker Swarm (each a Swarm manager that runs its part as a Swarm stack); nodes with target: swarm are anyway. */
  swarm?: boolean;
  /** How Swarm stacks reach their services (default host: DNS round robin and host-mode ports). */
  swarmNetwork?: 'host' | 'ingress';
}

/** What one deploy shares between its nodes: the images saved here once, the secret reader (a rollback reads them again). */
export type DeployRun = DeployOptions & { saved: SavedImages; secrets: SecretReader };

/** Puts one node's part of release `record` on it; a failure of its gate is returned, not thrown. */
export type NodeDeployer = (p: NodePlace, record: ReleaseRecord, o: DeployRun) => Promise<{ node: NodeRelease; error?: BerthError }>;

export async function deployStack(deps: OpsDeps, name: string, o: DeployOptions): Promise<ReleaseRecord> {
  const { s, nodes } = openWithNodes(deps, name, o.nodes);
  const { vars, tag } = await releaseVars(s, o, nodesBuild(s.ref.dir, nodes));
  return withStackLock(s, 'deploy', async () => {
    // What every node gets is made and checked, every secret a Compose node needs read and every image a node's services build built, before any node is touched.
    const secrets = secretReader(deps);
    const deployer = await nodeDeployer(deps, { dir: s.ref.dir, name, vars, tag }, nodes, o, secrets);
    const conns = new Connections(deps, { acceptNewHostKey: o.acceptNewHostKey });
    const saved = new SavedImages(deps.runner);
    try {
      const places: NodePlace[] = [];
      for (const n of nodes) places.push(await conns.place(name, n));
      const known = [...deps.store.releases.list(name).map((r) => r.number), ...places.flatMap((p) => p.numbers)];
      const record: ReleaseRecord = {
        format: RELEASE_FORMAT,
        stack: name,
        number: Math.max(0, ...known) + 1,
        startedAt: new Date(deps.now()).toISOString(),
        by: whoDeploys(deps),
        berthVersion: BERTH_VERSION,
        vars,
        nodes: {},
        result: 'deploying',
      };
      deps.store.releases.write(record);
      await deployAll(deps, places, deployer, record, { ...o, saved, secrets });
      return record;
    } finally {
      saved.dispose();
      await conns.closeAll();
    }
  });
}

/** Each node in turn; the first that fails stops the deploy and undoes it everywhere it got. */
async function deployAll(deps: OpsDeps, places: NodePlace[], deployNode: NodeDeployer, record: ReleaseRecord, o: DeployRun): Promise<void> {
  const reached: NodePlace[] = [];
  for (const p of places) {
    reached.push(p);
    const { node, error } = await deployNode(p, record, o);
    record.nodes[p.node.name] = node;
    if (error) return failed(deps, record, reached, p.node, error, o);
  }
  record.result = 'healthy';
  record.finishedAt = new Date(deps.now()).toISOString();
  deps.store.releases.write(record);
  for (const p of places) {
    await prune(p, o.keep ?? 5);
    if (record.nodes[p.node.name]?.target === 'swarm') await pruneObjects(p.remote.runner, p.node.project, await objectsKept(p));
  }
}

/** What every node's part of a release is made from here: the stack dir, the release's variables and its tag. */
export interface ReleaseSource {
  dir: string;
  name: string;
  vars: Record<string, string>;
  tag?: string;
}

/** Swarm for the nodes that run it (all with --swarm), Compose for the rest. */
async function nodeDeployer(deps: OpsDeps, src: ReleaseSource, nodes: ManifestNode[], o: DeployOptions, secrets: SecretReader): Promise<NodeDeployer> {
  const onSwarm = (n: ManifestNode) => !!o.swarm || n.target === 'swarm';
  const swarmNodes = nodes.filter(onSwarm);
  if (o.swarmNetwork && !swarmNodes.length) throw new UsageError('--swarm-network: applies to a Swarm deploy only; add --swarm, or target: swarm to the node in stack.yaml');
  const swarm = swarmNodes.length ? await swarmDeployer(deps, src, swarmNodes, { network: o.swarmNetwork ?? 'host', secrets }) : undefined;
  const rest = nodes.filter((n) => !onSwarm(n));
  const compose = rest.length ? await composeDeployer(deps, src, rest, secrets) : undefined;
  return (p, record, ro) => (onSwarm(p.node) ? swarm! : compose!)(p, record, ro);
}

/**
 * Each node's Compose bundle from the stack dir, with the release's
 * variables, checked here; the secrets each node needs, read here; then the
 * images its services build, built here, and named by its bundle instead.
 */
async function composeDeployer(deps: OpsDeps, src: ReleaseSource, nodes: ManifestNode[], secrets: SecretReader): Promise<NodeDeployer> {
  const raw = new Map(nodes.map((n) => [n.name, nodeBundle(src.dir, n, src.vars)] as const));
  const secretEnv = new Map<string, Record<string, string>>();
  for (const n of nodes) secretEnv.set(n.name, await releaseSecrets(deps, secrets, raw.get(n.name)!.manifest, { stack: src.name, node: n.name }));
  const parts = new Map<string, NodePart>();
  for (const n of nodes) {
    const built = await buildForNode(deps, src.dir, n, raw.get(n.name)!, src);
    const bundle = withBuiltImages(raw.get(n.name)!, built);
    releaseImages(bundle);
    parts.set(n.name, { bundle, secretEnv: secretEnv.get(n.name)!, built: new Set(built.map((b) => b.ref)) });
  }
  return (p, record, o) => deployNode(deps, p, parts.get(p.node.name)!, record, o);
}

/** A node's part of the release, made here: its bundle, the secrets it reads, the images built for it (by reference). */
interface NodePart {
  bundle: ReleaseBundle;
  secretEnv: Record<string, string>;
  built: Set<string>;
}

/** One node: the release's files and images there, then its start and health gate. A failure is returned, not thrown. */
async function deployNode(deps: OpsDeps, p: NodePlace, part: NodePart, record: ReleaseRecord, o: DeployRun): Promise<{ node: NodeRelease; error?: BerthError }> {
  const n = record.number;
  const node: NodeRelease = {
    host: p.node.host,
    project: p.node.project,
    dir: releaseDir(p, n),
    files: fileRecords(part.bundle.files),
    env: envRecord(part.bundle),
    images: [],
    ...(p.current !== undefined ? { previous: p.current } : {}),
    result: 'deploying',
  };
  const s = nodeSession(deps, p, n, part.bundle, part.secretEnv);
  return settleNode(deps, p, record, node, () => withStackLock(s, 'deploy', () => startOnNode(deps, s, { p, n, part, node }, o)));
}

/** Release n of a node, as it is being deployed. */
interface NodeDeploy {
  p: NodePlace;
  n: number;
  part: NodePart;
  node: NodeRelease;
}

/** Under the node's lock: files, images, then up's start and wait; the node runs the release once it is healthy. */
async function startOnNode(deps: OpsDeps, s: Session, { p, n, part, node }: NodeDeploy, o: DeployRun): Promise<void> {
  const say = (message: string) => deps.onEvent({ type: 'progress', message: `${p.node.name}: ${message}` });
  say(`copying release ${n}`);
  await upload(p, n, part.bundle.files, deps.now());
  const images = releaseImages(part.bundle);
  const refs = [...new Set(images.map((i) => i.ref))];
  // An image built here can only come from here: it is sent whatever --ship-images says.
  const send = o.shipImages ? refs : refs.filter((r) => part.built.has(r));
  const pull = o.shipImages ? [] : images.filter((i) => !part.built.has(i.ref)).map((i) => i.service);
  if (send.length) {
    say(`sending the images it lacks of ${send.join(', ')}`);
    await shipImages(deps.runner, p.remote.runner, send, o.saved);
  }
  if (pull.length) {
    say('pulling images');
    await runCompose(s, composeArgs.pull(pull), { what: 'pull' });
  }
  const facts = await imageFacts(p.remote.runner, refs);
  node.images = images.map((i) => ({ service: i.service, ...facts.find((f) => f.ref === i.ref)!, ...(part.built.has(i.ref) ? { built: true as const } : {}) }));
  say(`starting release ${n}`);
  // A job counts as run by this release once it was seen not done (made or started anew) and then done.
  const pending = new Set<string>();
  const ran = new Set<string>();
  const onUpdate = (views: ServiceView[]) => {
    for (const v of views.filter((x) => x.role === 'job')) {
      if (v.state !== 'completed') pending.add(v.name);
      else if (pending.has(v.name)) ran.add(v.name);
    }
    if (ran.size) node.jobsRan = [...ran].sort();
    o.onUpdate?.(p.node.name, views);
  };
  await upLocked(s, { wait: true, timeoutMs: o.timeoutMs, onUpdate });
  await makeCurrent(p, n);
}

/**
 * A node failed its gate: every node this deploy reached goes back to the
 * release it ran before (last first); one that had none is left for the
 * user to look at. Throws the failure, saying what was undone.
 */
export async function failed(deps: OpsDeps, record: ReleaseRecord, reached: NodePlace[], at: ManifestNode, error: BerthError, o: DeployRun): Promise<never> {
  const back: string[] = [];
  const left: string[] = [];
  let rollbackError: Error | undefined;
  for (const p of [...reached].reverse()) {
    const node = record.nodes[p.node.name];
    if (!node || node.previous === undefined) {
      left.push(p.node.name);
      continue;
    }
    try {
      await applyRelease(deps, p, node.previous, { timeoutMs: o.timeoutMs, secrets: o.secrets, saved: o.saved, onUpdate: (v) => o.onUpdate?.(p.node.name, v) });
      node.result = 'rolled-back';
      back.push(`${p.node.name} to release ${node.previous}${node.jobsRan?.length ? ` (release ${record.number} had already run ${node.jobsRan.join(', ')} there: what ${node.jobsRan.length > 1 ? 'they' : 'it'} changed in the data stays)` : ''}`);
      // The node's own record of the release says so too.
      await writeRecord(p, { ...record, nodes: { [p.node.name]: node }, result: 'rolled-back' }).catch(() => undefined);
    } catch (e) {
      rollbackError ??= e as Error;
    }
  }
  record.result = back.length ? 'rolled-back' : 'failed';
  record.finishedAt = new Date(deps.now()).toISOString();
  deps.store.releases.write(record);
  const undone = [
    back.length ? `rolled back ${back.join(', ')} (healthy again)` : '',
    left.length ? `${left.join(', ')} had no earlier release and ${left.length > 1 ? 'are' : 'is'} left as the failed release made ${left.length > 1 ? 'them' : 'it'}` : '',
    rollbackError ? `rolling back failed too: ${rollbackError.message}` : '',
  ].filter(Boolean);
  throw new BerthError(`release ${record.number} of stack ${record.stack} failed on node ${at.name}: ${error.message}; ${undone.join('; ')}`, {
    code: error.code,
    details: error.details,
    path: error.path,
  });
}
