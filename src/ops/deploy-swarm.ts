/**
 * berth deploy --swarm: a node's part of the stack as a Swarm stack on the
 * node, a Swarm manager. The stack file is rendered from the model for this
 * release (its variables, each image's own start read on the manager; an
 * image a service builds is built here and sent, as for Compose), put
 * in the release's folder there with the names of its secrets and configs;
 * those berth makes when missing, their values on stdin. Jobs go first, as
 * one-shot services, with what they wait for; then the whole file, and
 * berth waits for Swarm's tasks to be running and healthy, its updates done.
 * An update that fails its health check is rolled back by Swarm itself;
 * berth then puts the node's previous release back whole, as for Compose.
 */
import { secretsInUrls } from '../model/url-secrets.js';
import { refuseUrlBreakers } from './secret-env.js';
import type { SecretReader } from '../engine/secrets/index.js';
import { createHash } from 'node:crypto';
import { BerthError } from '../errors.js';
import type { FileOut } from '../model/files.js';
import type { ManifestNode } from '../model/manifest.js';
import type { NodeRelease, ReleaseRecord } from '../model/release.js';
import type { ResolvedStack } from '../model/stack.js';
import { runsUnder } from '../resolve/profiles.js';
import { nodePart } from '../render/nodes.js';
import { jobSteps, renderSwarm, SWARM_FILE, type SwarmObject } from '../render/swarm/index.js';
import { plainText } from '../render/swarm/text.js';
import { imageFacts, shipImages } from '../engine/images.js';
import { runOrFail } from '../engine/runner.js';
import { remoteLocks } from '../engine/remote-lock.js';
import { ensureObject, imageStarts, otherNodes, requireManager, stackDeploy } from '../engine/swarm.js';
import type { OpsDeps } from './deps.js';
import type { DeployRun, NodeDeployer, ReleaseSource } from './deploy.js';
import { resolveStored } from './export.js';
import { makeCurrent, releaseDir, settleNode, upload, type NodePlace } from './node-release.js';
import { fileRecords, nodeBundle } from './release-files.js';
import { buildForNode, type BuiltImage } from './release-build.js';
import { updateMarks, waitSwarm } from './swarm-wait.js';

/** The steps before the whole file (a job's dependencies, then the job): docker-stack.step-<i>.yaml. */
const stepFile = (i: number) => `docker-stack.step-${i + 1}.yaml`;
/** The names of the secrets and configs a release's stack file uses (never their values). */
export const OBJECTS_FILE = 'swarm-objects.json';

interface SwarmRun {
  stack: ResolvedStack;
  network: 'host' | 'ingress';
  /** Values of secretsFromEnv, from berth's environment, and of the secrets from a provider, read here. */
  fromEnv: Record<string, string>;
}

/**
 * The stack resolved once, here, with the secrets it reads from berth's
 * environment and its providers, for every node; then the images each
 * node's services build, built here (as for Compose, release-build.ts), and
 * named by its part instead of the build.
 */
export async function swarmDeployer(deps: OpsDeps, src: ReleaseSource, nodes: ManifestNode[], o: { network: 'host' | 'ingress'; secrets: SecretReader }): Promise<NodeDeployer> {
  const stack = resolveStored(deps, { name: src.name });
  const missing = stack.secretsFromEnv.filter((k) => deps.env[k] === undefined);
  if (missing.length) throw new BerthError(`secretsFromEnv: ${missing.join(', ')} not set in berth's environment; set ${missing.length > 1 ? 'them' : 'it'} to deploy (${missing.length > 1 ? 'they become Swarm secrets' : 'it becomes a Swarm secret'})`, { code: 'usage', path: 'secretsFromEnv' });
  const run: SwarmRun = { stack: { ...stack, vars: { ...stack.vars, ...src.vars } }, network: o.network, fromEnv: { ...Object.fromEntries(stack.secretsFromEnv.map((k) => [k, deps.env[k]!])), ...(await o.secrets.values(stack.secretSources ?? {})) } };
  refuseUrlBreakers({ urlSecrets: secretsInUrls(stack.services), secretSources: stack.secretSources }, run.fromEnv);
  const parts = new Map<string, SwarmPart>();
  for (const n of nodes) {
    const built = await buildForNode(deps, src.dir, n, nodeBundle(src.dir, n, src.vars), src);
    parts.set(n.name, { part: withBuiltServices(nodePart(run.stack, n.name), built), built: new Set(built.map((b) => b.ref)) });
  }
  return (p, record, ro) => deploySwarmNode(deps, p, run, parts.get(p.node.name)!, record, ro);
}

/** A node's part of the stack for this release, and the images built here for it (by reference). */
interface SwarmPart {
  part: ResolvedStack;
  built: Set<string>;
}

/** The part with each built service's image named instead of its build (one that does not run keeps its image). */
function withBuiltServices(part: ResolvedStack, built: BuiltImage[]): ResolvedStack {
  const refOf = new Map(built.map((b) => [b.service, b.ref]));
  return { ...part, services: part.services.map((s) => (s.build ? { ...s, build: undefined, image: refOf.get(s.name) ?? s.image } : s)) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The images the node's services run, variables filled in. */
function imagesOf(part: ResolvedStack): { service: string; ref: string }[] {
  return part.services.filter((s) => runsUnder(s.profiles, part.profiles)).map((s) => ({ service: s.name, ref: plainText(s.image, part.vars, `services.${s.origin.spec}.image`) ?? '' }));
}

function objectsFile(objects: SwarmObject[]): FileOut {
  return { path: OBJECTS_FILE, content: JSON.stringify(objects.map(({ kind, name, of }) => ({ kind, name, of })), null, 2) + '\n' };
}

async function deploySwarmNode(deps: OpsDeps, p: NodePlace, run: SwarmRun, { part, built }: SwarmPart, record: ReleaseRecord, o: DeployRun): Promise<{ node: NodeRelease; error?: BerthError }> {
  const n = record.number;
  const node: NodeRelease = { host: p.node.host, target: 'swarm', project: p.node.project, dir: releaseDir(p, n), files: [], env: { hash: '', secrets: [] }, images: [], ...(p.current !== undefined ? { previous: p.current } : {}), result: 'deploying' };
  const say = (message: string) => deps.onEvent({ type: 'progress', message: `${p.node.name}: ${message}` });
  return settleNode(deps, p, record, node, async () => {
    await requireManager(p.remote.runner, `node ${p.node.name} (${p.node.host})`);
    const locks = remoteLocks(p.remote.runner, p.locks, `node ${p.node.name} (${p.node.host})`);
    await locks.withLock(p.node.project, 'deploy', () => onManager(deps, { p, run, part, built, node, n, o, say }));
  });
}

/** Release n of the node's part, as it is being deployed. */
interface SwarmNodeDeploy {
  p: NodePlace;
  run: SwarmRun;
  part: ResolvedStack;
  built: Set<string>;
  node: NodeRelease;
  n: number;
  o: DeployRun;
  say(message: string): void;
}

/**
 * The images of the node's services on the manager: sent from here (all
 * with --ship-images, else those built here, which no registry has), the
 * rest pulled there; each recorded with its id. Returns their references.
 */
async function imagesOnManager(deps: OpsDeps, { p, part, built, node, o, say }: SwarmNodeDeploy): Promise<string[]> {
  const runner = p.remote.runner;
  const images = imagesOf(part);
  const refs = [...new Set(images.map((i) => i.ref))];
  const send = o.shipImages ? refs : refs.filter((r) => built.has(r));
  const pull = refs.filter((r) => !send.includes(r));
  if (send.length) {
    say(`sending the images it lacks of ${send.join(', ')}`);
    await shipImages(deps.runner, runner, send, o.saved);
    const others = await otherNodes(runner);
    if (others.length) deps.onEvent({ type: 'warning', message: `${p.node.name}: images sent from here reach this manager only; the Swarm's other nodes (${others.join(', ')}) must have them already or pull them from a registry, or the tasks placed there do not start` });
  }
  if (pull.length) say('pulling images');
  for (const ref of pull) await runOrFail(runner, { argv: ['docker', 'pull', ref] }, `docker pull ${ref} on ${p.node.name}`);
  const facts = await imageFacts(runner, refs);
  node.images = images.map((i) => ({ service: i.service, ...facts.find((f) => f.ref === i.ref)!, ...(built.has(i.ref) ? { built: true as const } : {}) }));
  return refs;
}

/** Under the node's lock: images, the stack file and its objects, the jobs, then the rest and the wait. */
async function onManager(deps: OpsDeps, d: SwarmNodeDeploy): Promise<void> {
  const { p, run, part, built, node, n, o, say } = d;
  const runner = p.remote.runner;
  const refs = await imagesOnManager(deps, d);
  const starts = await imageStarts(runner, refs);
  const opts = { network: run.network, secretsFromEnv: run.fromEnv, imageStart: (ref: string) => starts.get(ref) };
  const bundle = renderSwarm(part, opts);
  for (const w of bundle.warnings) deps.onEvent({ type: 'warning', message: `${p.node.name}: ${w}` });
  const steps = jobSteps(part).map((only) => renderSwarm(part, opts, [], only));
  const files: FileOut[] = [{ path: SWARM_FILE, content: bundle.file }, objectsFile(bundle.objects), ...steps.map((b, i) => ({ path: stepFile(i), content: b.file }))];
  node.files = fileRecords(files);
  node.env = { hash: `sha256:${sha256(Object.entries(part.vars).map(([k, v]) => `${k}=${v}\n`).sort().join(''))}`, secrets: [...new Set(bundle.objects.filter((x) => x.kind === 'secret').map((x) => x.of))].sort() };
  say(`copying release ${n}`);
  await upload(p, n, files, deps.now());
  say(`making ${bundle.objects.length} secrets and configs it lacks`);
  for (const obj of bundle.objects) await ensureObject(runner, obj, p.node.project);
  const dir = releaseDir(p, n);
  const runFile = async (file: string, services: string[]) => {
    const before = await updateMarks(runner, p.node.project);
    // An image sent from here is on the manager only: no registry knows its digest.
    await stackDeploy(runner, `${dir}/${file}`, p.node.project, o.shipImages || built.size ? 'never' : 'always');
    await waitSwarm(deps, runner, p.node.project, services, { timeoutMs: o.timeoutMs, before, say });
  };
  for (const [i, step] of steps.entries()) {
    say(`step ${i + 1} of ${steps.length} before the rest (jobs first): ${step.services.join(', ')}`);
    await runFile(stepFile(i), step.services);
  }
  say(`deploying release ${n} to Swarm`);
  await runFile(SWARM_FILE, bundle.services);
  await makeCurrent(p, n);
}
