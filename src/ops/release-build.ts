/**
 * Images a release builds on this machine. A node cannot build a service
 * that has build: (its context is here, not in the bundle), so deploy builds
 * it here as `berth build` does (Compose, in the node's folder of the stack
 * dir, with the release's variables), names the image for the release (its
 * repository with the deploy's tag, or with the image id's short digest when
 * the deploy has no tag, so a rollback names an exact image), and the node's
 * bundle names that image instead of the build: its files hold no path
 * outside themselves. The images then reach the node as --ship-images sends
 * them.
 */
import path from 'node:path';
import { parseDocument } from 'yaml';
import { BerthError, UsageError } from '../errors.js';
import type { ManifestNode } from '../model/manifest.js';
import { COMPOSE_FILE, MANIFEST_FILE, NODES_DIR } from '../render/files.js';
import { runsUnder } from '../resolve/profiles.js';
import { composeArgs } from '../engine/compose.js';
import { imageRepo, inspectEach } from '../engine/images.js';
import { runOrFail } from '../engine/runner.js';
import type { OpsDeps } from './deps.js';
import { imageOf, nodeBundle, type ReleaseBundle } from './release-files.js';
import { allProfiles, makeSession } from './session.js';

/** Compose's summary of a build that failed, which says less than the line before it (v1: the step's command and exit code). */
const SUMMARY = /(failed to build : Build failed|^Build failed)$/;

/** A failed build as one line: the builder's own reason; its last lines as details. */
function buildFailed(node: ManifestNode, services: string[], output: string): BerthError {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = ([...lines].reverse().find((l) => !SUMMARY.test(l)) ?? lines.at(-1) ?? 'no output').replace(/^ERROR: /, '');
  return new BerthError(`node ${node.name}: building ${services.join(', ')} here failed: ${reason}; the deploy stopped before touching any node`, {
    code: 'engine_failed',
    details: lines.slice(-15).map((l) => `  | ${l}`).join('\n'),
    ...(services.length === 1 ? { path: `services.${services[0]}.build` } : {}),
  });
}

/** An image this release built here for a service: the name the release gave it, and its id. */
export interface BuiltImage {
  service: string;
  ref: string;
  id: string;
}

/** What a Docker tag may be: letters, digits, _ . -, not starting with . or -, at most 128. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The deploy's tag must be able to name the images it builds (checked before anything is built). */
export function checkBuildTag(tag: string | undefined): void {
  if (tag !== undefined && !DOCKER_TAG.test(tag)) {
    throw new UsageError(`--tag: ${JSON.stringify(tag)} cannot name the images this deploy builds (a Docker tag: letters, digits, _ . -, at most 128, not starting with . or -); give another tag`);
  }
}

/** The name a release gives an image it built: its repository with the deploy's tag, or with id-<12 hex digits of its id>. */
export function builtRef(ref: string, id: string, tag?: string): string {
  return `${imageRepo(ref)}:${tag ?? `id-${id.replace(/^sha256:/, '').slice(0, 12)}`}`;
}

/** Whether any of these nodes' bundles has a service that builds its image. */
export function nodesBuild(stackDir: string, nodes: ManifestNode[]): boolean {
  return nodes.some((n) => nodeBundle(stackDir, n, {}).manifest.services.some((s) => s.build));
}

/** The services of the bundle that build their image and run in this release (under its profiles). */
export function servicesToBuild(b: ReleaseBundle): string[] {
  return b.manifest.services.filter((s) => s.build && runsUnder(s.profiles, b.manifest.profiles)).map((s) => s.name);
}

/**
 * The bundle with each built service's image named instead of its build: the
 * Compose file and the manifest say image: <the release's name for it>, and
 * no service builds (one that does not run in this release keeps its image: and loses its build:).
 */
export function withBuiltImages(b: ReleaseBundle, built: BuiltImage[]): ReleaseBundle {
  const building = b.manifest.services.filter((s) => s.build).map((s) => s.name);
  if (!building.length) return b;
  const refOf = new Map(built.map((x) => [x.service, x.ref]));
  const manifest = { ...b.manifest, services: b.manifest.services.map((s) => (s.build ? { ...s, build: false, image: refOf.get(s.name) ?? s.image } : s)) };
  const files = b.files.map((f) => {
    if (f.path === MANIFEST_FILE) return { ...f, content: JSON.stringify(manifest, null, 2) + '\n' };
    if (f.path !== COMPOSE_FILE) return f;
    const doc = parseDocument(f.content);
    for (const name of building) {
      doc.deleteIn(['services', name, 'build']);
      const ref = refOf.get(name);
      if (ref) doc.setIn(['services', name, 'image'], ref);
    }
    return { ...f, content: doc.toString() };
  });
  return { ...b, files, manifest };
}

/**
 * Builds the images of a node's services that have build: on this machine
 * (Compose in nodes/<node>/ of the stack dir, the release's variables in its
 * environment) and tags each with the release's name for it. A failed build
 * is an error that says no node was touched.
 */
export async function buildForNode(deps: OpsDeps, stackDir: string, node: ManifestNode, b: ReleaseBundle, o: { vars: Record<string, string>; tag?: string }): Promise<BuiltImage[]> {
  const services = servicesToBuild(b);
  if (!services.length) return [];
  checkBuildTag(o.tag);
  deps.onEvent({ type: 'progress', message: `${node.name}: building ${services.join(', ')} here` });
  const s = makeSession(deps, b.manifest, { name: node.project, dir: path.join(stackDir, NODES_DIR, node.name) });
  s.vars = o.vars;
  const r = await s.runner.run(await s.compose(composeArgs.build({ services }), allProfiles(b.manifest)));
  if (r.code !== 0) throw buildFailed(node, services, `${r.stdout}\n${r.stderr}`);
  const refs = services.map((name) => imageOf(b.manifest.services.find((x) => x.name === name)!, b.env));
  const ids = await inspectEach(deps.runner, refs);
  const built = services.map((service, i) => {
    if (!ids[i]) throw new BerthError(`node ${node.name}: service ${service} was built but this engine has no image ${refs[i]}; check its image: in stack.yaml`, { code: 'engine_failed' });
    return { service, ref: builtRef(refs[i]!, ids[i]!, o.tag), id: ids[i]! };
  });
  const byRef = new Map<string, BuiltImage>();
  for (const x of built) {
    const other = byRef.get(x.ref);
    if (other && other.id !== x.id) throw new UsageError(`services ${other.service} and ${x.service} of node ${node.name} build different images under one name (${x.ref}); give each its own image: in stack.yaml`);
    byRef.set(x.ref, x);
  }
  for (const x of byRef.values()) await runOrFail(deps.runner, { argv: ['docker', 'tag', x.id, x.ref] }, `docker tag ${x.ref}`);
  return built;
}
