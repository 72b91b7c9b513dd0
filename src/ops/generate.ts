/**
 * berth generate: spec -> resolve -> render -> atomic write, under the stack's
 * lock. Everything is validated before anything is written; the previous files
 * of the stack stay as they were on any failure.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { HostFacts } from '../catalog/types.js';
import type { ValidSpec } from '../resolve/spec.js';
import { writeInterpolated } from '../spec/interpolation.js';
import { resolveStack } from '../resolve/index.js';
import type { ResolvedStack } from '../model/stack.js';
import type { RandomSecret } from '../resolve/secrets.js';
import type { Bundle } from '../render/compose/bundle.js';
import { nodePart, renderMachines } from '../render/nodes.js';
import { ENV_FILE, envLineOf } from '../render/env.js';
import { stackDir, stacksDir, validateStackName } from '../store/home.js';
import { replaceDir, repairStackDir } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { otherStacksPorts, readManifest, readStackEnv } from '../store/stacks.js';
import { ownPublishedPorts, refuseSharedNetwork, volumesToGuard } from './generate-checks.js';
import type { OpsDeps } from './deps.js';
import type { Manifest } from '../render/manifest.js';
import { readUserImages } from '../store/images.js';
import { hostListenerProbe } from '../host/listeners.js';
import { effectiveSpecDir, refuseStackFolderPaths } from './spec-dir.js';
import { checkHostPaths } from '../host/paths.js';
import { selfSignedCert, tlsMaterials, type CertMaker } from './tls.js';

export interface GenerateRequest {
  name: string;
  spec: ValidSpec;
  /** stack.yaml as it will be stored: the file as given, or the spec the flags built. */
  specText: string;
  specDir: string;
  givenSecrets?: Record<string, string>;
  rotateSecrets?: boolean;
  /** Accept a new value for a secret that existing data was made with. */
  allowSecretChange?: boolean;
  profiles?: string[];
  memoryBudget?: number;
  cliImages?: Record<string, string>;
  random?: RandomSecret;
  makeCert?: CertMaker;
  /**
   * Look at this host: who listens on the stack's ports (warnings), and whether
   * the build contexts and bind-mount sources stack.yaml names exist (errors).
   * Off in tests that must not depend on the host, such as golden examples of
   * stacks for other machines.
   */
  probeHost?: boolean;
  /** Resolve and render, but write nothing. */
  dryRun?: boolean;
}

export interface GenerateResult {
  stack: ResolvedStack;
  dir: string;
  files: string[];
  created: boolean;
  bundle: Bundle;
  /** What a front end shows of each service; the image as stack.yaml writes it (${IMAGE_TAG} as written). */
  services: { name: string; component: string; image: string; ports: ResolvedStack['services'][number]['ports']; profiles: string[]; replicas: number; node?: string }[];
}

export async function generateStack(deps: OpsDeps, req: GenerateRequest): Promise<GenerateResult> {
  const { home } = deps;
  validateStackName(req.name);
  const work = async () => {
    if (!req.dryRun) repairStackDir(stacksDir(home), req.name);
    const dir = stackDir(home, req.name);
    const created = !fs.existsSync(dir);
    const probe = hostListenerProbe();
    const previous = created ? undefined : previousManifest(home, req.name);
    const env = created ? {} : readStackEnv(home, req.name);
    const specDir = effectiveSpecDir(home, req.specDir);
    const own = req.probeHost === false || created ? new Set<number>() : await ownPublishedPorts(deps.engine(), req.name, previous, probe);
    const stack = resolveStack({
      name: req.name,
      spec: req.spec,
      specDir,
      images: { cli: req.cliImages, user: readUserImages(home) },
      givenSecrets: req.givenSecrets,
      existingEnv: env,
      existingEnvAt: (n) => envFileAt(dir, n),
      rotateSecrets: req.rotateSecrets,
      allowSecretChange: req.allowSecretChange,
      existingVolumes: await volumesToGuard(deps.engine(), req.name, created),
      random: req.random,
      profiles: req.profiles,
      memoryBudget: req.memoryBudget,
      hostMemoryMiB: Math.floor(os.totalmem() / 2 ** 20),
      otherPorts: otherStacksPorts(home, req.name),
      listener: req.probeHost === false ? undefined : (port) => (own.has(port) ? undefined : probe(port)),
      host: req.probeHost === false ? undefined : hostFacts(deps),
    });
    refuseStackFolderPaths(home, stack);
    refuseSharedNetwork(home, stack);
    // Also on --dry-run: it only reads, and a dry run should fail where the real one would.
    // Paths of services on other nodes are theirs, not this host's.
    if (req.probeHost !== false) checkHostPaths(nodePart(stack, undefined), specDir);
    const certs = await tlsMaterials(stack, created ? undefined : dir, req.makeCert ?? selfSignedCert, req.rotateSecrets);
    const bundle = renderMachines(stack, req.specText, certs, { volumesEver: previous?.volumesEver });
    stack.warnings.push(...bundle.warnings);
    if (!req.dryRun) replaceDir(dir, bundle.files);
    const services = stack.services.map((s) => ({ name: s.name, component: s.component, image: writeInterpolated(s.image), ports: s.ports, profiles: s.profiles, replicas: s.replicas, ...(s.node ? { node: s.node } : {}) }));
    return { stack, dir, files: bundle.files.map((f) => f.path), created, bundle, services };
  };
  // A dry run writes nothing, not even a lock.
  return req.dryRun ? work() : withLock(home, req.name, 'generate', work, { onWait: (holder) => deps.onEvent({ type: 'waiting', stack: req.name, holder }) });
}

/**
 * This machine, for berth's own server in the stack; none when the engine is
 * not a local socket, or a path has a ":" (a Compose volume could not name it).
 */
function hostFacts(deps: OpsDeps): HostFacts | undefined {
  const url = deps.env.DOCKER_HOST;
  if (url && !url.startsWith('unix://')) return undefined;
  const facts = { home: path.resolve(deps.home), dockerSocket: url ? url.slice('unix://'.length) : '/var/run/docker.sock' };
  return /[:\n]/.test(facts.home + facts.dockerSocket) ? undefined : facts;
}

/** `<stack dir>/.env:12`: where an entry of the stack's .env is, for errors about it (read only then). */
function envFileAt(dir: string, name: string): string {
  const file = path.join(dir, ENV_FILE);
  let line: number | undefined;
  try {
    line = envLineOf(fs.readFileSync(file, 'utf8'), name);
  } catch {
    // Gone since it was read: the file alone still says where to look.
  }
  return line ? `${file}:${line}` : file;
}

/** The manifest being replaced; a damaged one is what this generate repairs, so it counts as none. */
function previousManifest(home: string, name: string): Manifest | undefined {
  try {
    return readManifest(home, name);
  } catch {
    return undefined;
  }
}

