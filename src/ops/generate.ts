/**
 * berth generate: spec -> resolve -> render -> atomic write, under the stack's
 * lock. Everything is validated before anything is written; the previous files
 * of the stack stay as they were on any failure.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { ValidSpec } from '../resolve/spec.js';
import { BerthError } from '../errors.js';
import { resolveStack } from '../resolve/index.js';
import type { ResolvedStack } from '../model/stack.js';
import type { RandomSecret } from '../resolve/secrets.js';
import { renderBundle, type Bundle } from '../render/compose/bundle.js';
import { ENV_FILE, envLineOf } from '../render/env.js';
import { stackDir, stacksDir, validateStackName } from '../store/home.js';
import { replaceDir, repairStackDir } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { otherManifests, otherStacksPorts, readManifest, readStackEnv } from '../store/stacks.js';
import type { Manifest } from '../render/manifest.js';
import { DockerApi, LABEL_PROJECT, type Engine } from '../engine/docker-api.js';
import { stackVolumeNames } from '../engine/volumes.js';
import { readUserImages } from '../store/images.js';
import { hostListenerProbe } from '../host/listeners.js';
import { effectiveSpecDir, refuseStackFolderPaths } from './spec-dir.js';
import { checkHostPaths } from '../host/paths.js';
import { selfSignedCert, tlsMaterials, type CertMaker } from './tls.js';

export interface GenerateRequest {
  home: string;
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
  onWait?: (holder: string) => void;
  /** Asked which of the stack's volumes exist before secrets change (default: the local engine). */
  engine?: Engine;
  /** Resolve and render, but write nothing. */
  dryRun?: boolean;
}

export interface GenerateResult {
  stack: ResolvedStack;
  dir: string;
  files: string[];
  created: boolean;
  bundle: Bundle;
}

export async function generateStack(req: GenerateRequest): Promise<GenerateResult> {
  validateStackName(req.name);
  const work = async () => {
    if (!req.dryRun) repairStackDir(stacksDir(req.home), req.name);
    const dir = stackDir(req.home, req.name);
    const created = !fs.existsSync(dir);
    const probe = hostListenerProbe();
    const previous = created ? undefined : previousManifest(req.home, req.name);
    const env = created ? {} : readStackEnv(req.home, req.name);
    const specDir = effectiveSpecDir(req.home, req.specDir);
    const own = req.probeHost === false || created ? new Set<number>() : await ownPublishedPorts(req.name, previous, probe);
    const stack = resolveStack({
      name: req.name,
      spec: req.spec,
      specDir,
      images: { cli: req.cliImages, user: readUserImages(req.home) },
      givenSecrets: req.givenSecrets,
      existingEnv: env,
      existingEnvAt: (n) => envFileAt(dir, n),
      rotateSecrets: req.rotateSecrets,
      allowSecretChange: req.allowSecretChange,
      existingVolumes: await volumesToGuard(req, created),
      random: req.random,
      profiles: req.profiles,
      memoryBudget: req.memoryBudget,
      hostMemoryMiB: Math.floor(os.totalmem() / 2 ** 20),
      otherPorts: otherStacksPorts(req.home, req.name),
      listener: req.probeHost === false ? undefined : (port) => (own.has(port) ? undefined : probe(port)),
    });
    refuseStackFolderPaths(req.home, stack);
    refuseSharedNetwork(req.home, stack);
    // Also on --dry-run: it only reads, and a dry run should fail where the real one would.
    if (req.probeHost !== false) checkHostPaths(stack, specDir);
    const certs = await tlsMaterials(stack, created ? undefined : dir, req.makeCert ?? selfSignedCert, req.rotateSecrets);
    const bundle = renderBundle(stack, req.specText, certs, { volumesEver: previous?.volumesEver });
    if (!req.dryRun) replaceDir(dir, bundle.files);
    return { stack, dir, files: bundle.files.map((f) => f.path), created, bundle };
  };
  // A dry run writes nothing, not even a lock.
  return req.dryRun ? work() : withLock(req.home, req.name, 'generate', work, { onWait: req.onWait });
}

/**
 * The stack's volumes on the engine, which guard the secrets their data was
 * made with (a removed stack's data may remain, an .env may have lost a line).
 * A new stack on an engine that does not answer has nothing to guard.
 */
async function volumesToGuard(req: GenerateRequest, created: boolean): Promise<ReadonlySet<string> | 'unknown' | undefined> {
  const found = await stackVolumes(req.name, req.engine);
  return created && found === 'unknown' ? undefined : found;
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

/** The stack's volumes on the engine, as named in its Compose file; 'unknown' when the engine does not answer. */
async function stackVolumes(name: string, engine?: Engine): Promise<ReadonlySet<string> | 'unknown'> {
  const api = engine ?? new DockerApi();
  try {
    const names = await stackVolumeNames(api, name);
    return new Set(names.filter((n) => n.startsWith(`${name}_`)).map((n) => n.slice(name.length + 1)));
  } catch {
    return 'unknown';
  } finally {
    if (!engine) (api as DockerApi).close();
  }
}

/** A network stack.yaml names belongs to one stack; others join it only as external. */
function refuseSharedNetwork(home: string, stack: ResolvedStack): void {
  const net = stack.network;
  if (!net?.name || net.external) return;
  const owner = otherManifests(home, stack.name).find((m) => m.network?.name === net.name && !m.network?.external);
  if (owner) {
    throw new BerthError(
      `network.name: ${net.name} is stack ${owner.stack}'s network; two stacks on one network reach each other's datastores; pick another name, or set external: true to join ${owner.stack}'s on purpose`,
      { code: 'conflict', path: 'network.name' },
    );
  }
}

/** The manifest being replaced; a damaged one is what this generate repairs, so it counts as none. */
function previousManifest(home: string, name: string): Manifest | undefined {
  try {
    return readManifest(home, name);
  } catch {
    return undefined;
  }
}

/**
 * Ports this stack's own running containers publish: regenerating a running
 * stack must not warn that its ports are taken (by its own docker-proxy). The
 * engine is asked only when one of the stack's ports is held by docker-proxy.
 */
async function ownPublishedPorts(name: string, manifest: Manifest | undefined, probe: (port: number) => string | undefined): Promise<Set<number>> {
  const ports = manifest?.services.flatMap((s) => s.ports.map((p) => p.host)) ?? [];
  const proxied = ports.filter((p) => probe(p)?.startsWith('docker-proxy'));
  if (!proxied.length) return new Set();
  const api = new DockerApi();
  try {
    const containers = await api.listContainers([`${LABEL_PROJECT}=${name}`], false);
    return new Set(containers.flatMap((c) => c.Ports.map((p) => p.PublicPort).filter((p): p is number => p !== undefined)));
  } catch {
    // The engine does not answer: a port this stack published that Docker's proxy holds is most likely its own.
    return new Set(proxied);
  } finally {
    api.close();
  }
}
