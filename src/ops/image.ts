/**
 * berth's own image (web, reporting, agent). Stacks name the published image;
 * where it cannot be pulled (no registry, an air-gapped host), berth builds
 * it from its own installation, so `berth up` of a stack with the dashboard
 * works on any machine with a Docker engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors.js';
import { BERTH_IMAGE } from '../catalog/_berth.js';
import { berthPackageDir, stageImageContext } from '../host/berth-package.js';
import type { OpsDeps } from './deps.js';
import type { Session } from './session.js';

/** Node 20 on glibc; BERTH_NODE_IMAGE names another (a local one, where no registry is reachable). */
export const DEFAULT_NODE_IMAGE = 'node:20-bookworm-slim';

export interface ImageBuild {
  tag: string;
  base: string;
  elapsedMs: number;
}

export async function buildBerthImage(deps: OpsDeps, o: { tag?: string; base?: string; packageDir?: string } = {}): Promise<ImageBuild> {
  const started = deps.now();
  const tag = o.tag ?? BERTH_IMAGE;
  const base = o.base ?? deps.env.BERTH_NODE_IMAGE ?? DEFAULT_NODE_IMAGE;
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-image-'));
  try {
    stageImageContext(o.packageDir ?? berthPackageDir(), context);
    // The classic builder: it needs no buildx plugin, and reads a local base image as it is.
    const r = await deps.runner.run({ argv: ['docker', 'build', '--build-arg', `NODE_IMAGE=${base}`, '--tag', tag, context], env: { DOCKER_BUILDKIT: '0' } });
    if (r.code !== 0) throw buildFailed(r.stdout + r.stderr, base);
    return { tag, base, elapsedMs: deps.now() - started };
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

function buildFailed(output: string, base: string): BerthError {
  const lines = output.trim().split('\n').filter(Boolean);
  const last = lines.at(-1)?.replace(/^ERROR: /, '') ?? 'no output';
  const noBase = /pull access denied|not found|manifest unknown|dial tcp|no such host|connection refused/i.test(output) && output.includes(base.split(':')[0]!);
  const fix = noBase ? `the Node base ${base} cannot be pulled here; set BERTH_NODE_IMAGE to a Node 20 image this engine has (or pass --base)` : 'fix what Docker says above';
  return new BerthError(`building berth's image failed: ${last}; ${fix}`, { code: 'engine_failed', details: lines.slice(-15).map((l) => `  | ${l}`).join('\n') });
}

/**
 * Before a start: a stack that runs berth's own image gets it, pulled or, when
 * it cannot be pulled, built from this installation (and the user is told).
 * An image someone points elsewhere (images.yaml, a private registry) is theirs to provide.
 */
export async function ensureBerthImage(s: Session): Promise<void> {
  if (!s.manifest.services.some((x) => x.image === BERTH_IMAGE)) return;
  // On another node (deploy) the release's images were pulled or shipped already; a build context is this machine's.
  if (s.deps.onHost) return;
  const engine = s.engine();
  if (await engine.imageExists(BERTH_IMAGE)) return;
  try {
    await engine.pullImage(BERTH_IMAGE);
    return;
  } catch (e) {
    s.deps.onEvent({ type: 'warning', message: `${BERTH_IMAGE} cannot be pulled (${(e as Error).message.split('\n')[0]}); building it from this installation of berth` });
  }
  await buildBerthImage(s.deps);
}
