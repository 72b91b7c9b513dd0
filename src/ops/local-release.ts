/**
 * Releases of the part of a stack that runs on this machine: every `berth
 * up` of the whole stack that waits for health is one, numbered with the
 * stack's deploys, under the node name `here`. Its record keeps the stack
 * folder's files that carry no secret and the images with their ids and
 * digests; the .env entries that are not secrets are kept beside it
 * (`here/<n>.env`, 0600), so no secret value is stored a second time.
 * `berth rollback` puts one back (local-rollback.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BERTH_VERSION } from '../catalog/_berth.js';
import { isBerthError } from '../errors.js';
import { imageFacts } from '../engine/images.js';
import type { FileOut } from '../model/files.js';
import { HERE, RELEASE_FORMAT, type NodeRelease, type ReleaseImage, type ReleaseRecord } from '../model/release.js';
import { ENV_FILE, envLine, parseEnv } from '../render/env.js';
import { NODES_DIR } from '../render/files.js';
import { runsUnder } from '../resolve/profiles.js';
import { releasesDir } from '../store/releases.js';
import { bundleOf, envRecord, fileRecords, filesUnder, imageOf, type ReleaseBundle } from './release-files.js';
import { whoDeploys } from './nodes.js';
import type { Session } from './session.js';
import type { UpResult } from './up.js';

/** How many releases of this machine's part are kept (the newest; records stay). */
export const KEEP_LOCAL = 10;

export const localEnvFile = (home: string, stack: string, n: number) => path.join(releasesDir(home, stack), HERE, `${n}.env`);

/** The stack folder as a release: its files but the nodes' bundles. */
export function localBundle(s: Session): ReleaseBundle {
  const files = filesUnder(s.ref.dir).filter((f) => !f.path.startsWith(`${NODES_DIR}/`));
  return bundleOf(files, s.ref.name, s.ref.dir);
}

/** Each running service's image as the release's .env and variables name it. */
function imageRefs(b: ReleaseBundle, profiles: string[], vars: Record<string, string>): { service: string; ref: string }[] {
  const env = { ...b.env, ...vars };
  return b.manifest.services
    .filter((x) => runsUnder(x.profiles, profiles) && x.image)
    .map((x) => ({ service: x.name, ref: imageOf(x, env) }));
}

/** .env without its secrets: what a rollback puts back of it (the secrets stay as .env has them then). */
function plainEnv(b: ReleaseBundle): string {
  const secrets = new Set(b.manifest.secrets);
  return Object.entries(b.env).filter(([k]) => !secrets.has(k)).map(([k, v]) => envLine(k, v) + '\n').join('');
}

/** The stack's next release number, after every deploy's and up's. */
function nextNumber(s: Session): number {
  const numbers = s.deps.store.releases.list(s.ref.name).map((r) => r.number);
  return Math.max(0, ...numbers) + 1;
}

/**
 * Runs `up` as a release of this machine's part: recorded once it ended,
 * healthy or failed (its error line and service), and made current when
 * healthy. A record that cannot be written is a warning: the stack runs.
 */
export async function recordUp(s: Session, up: () => Promise<UpResult>): Promise<UpResult> {
  const bundle = localBundle(s);
  const startedAt = new Date(s.deps.now()).toISOString();
  const node: NodeRelease = { host: 'local', project: s.ref.name, dir: s.ref.dir, files: fileRecords(bundle.files), env: envRecord(bundle), images: [], result: 'deploying' };
  try {
    const r = await up();
    node.result = 'healthy';
    return r;
  } catch (e) {
    node.result = 'failed';
    node.error = (e as Error).message.split('\n')[0];
    if (isBerthError(e) && e.path && bundle.manifest.services.some((x) => x.name === e.path)) node.failedService = e.path;
    throw e;
  } finally {
    try {
      await writeLocalRelease(s, bundle, node, startedAt);
    } catch (e) {
      s.deps.onEvent({ type: 'warning', message: `the release of this up was not recorded: ${(e as Error).message}` });
    }
  }
}

async function writeLocalRelease(s: Session, bundle: ReleaseBundle, node: NodeRelease, startedAt: string): Promise<void> {
  const { deps } = s;
  const stack = s.ref.name;
  const refs = imageRefs(bundle, s.profiles, s.vars);
  // A failed up may have stopped before every image was there: those it has are named.
  const facts = await imageFacts(deps.runner, [...new Set(refs.map((r) => r.ref))]).catch(() => []);
  node.images = refs.flatMap((r): ReleaseImage[] => {
    const f = facts.find((x) => x.ref === r.ref);
    return f ? [{ service: r.service, ...f }] : [];
  });
  const n = nextNumber(s);
  const file = localEnvFile(deps.home, stack, n);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, plainEnv(bundle), { mode: 0o600 });
  const record: ReleaseRecord = { format: RELEASE_FORMAT, stack, number: n, startedAt, finishedAt: new Date(deps.now()).toISOString(), by: whoDeploys(deps), berthVersion: BERTH_VERSION, vars: s.vars, nodes: { [HERE]: node }, result: node.result };
  deps.store.releases.write(record);
  if (node.result === 'healthy') deps.store.releases.setCurrent(stack, HERE, n);
  pruneLocal(deps.home, stack, n);
}

/** The kept .env files of all but the newest KEEP_LOCAL releases go (their records stay, to read). */
function pruneLocal(home: string, stack: string, newest: number): void {
  const dir = path.join(releasesDir(home, stack), HERE);
  for (const f of fs.readdirSync(dir)) {
    const n = Number(/^(\d+)\.env$/.exec(f)?.[1]);
    if (n && n <= newest - KEEP_LOCAL) fs.rmSync(path.join(dir, f), { force: true });
  }
}

/**
 * The files of release `n` of this machine's part, with the secrets .env has
 * now (`current`: the stack folder's files now); why not, when it cannot be.
 */
export function localReleaseFiles(s: Session, record: NodeRelease, n: number, current: FileOut[]): FileOut[] {
  const envFile = localEnvFile(s.deps.home, s.ref.name, n);
  if (!fs.existsSync(envFile)) throw new Error(`release ${n} is older than the ${KEEP_LOCAL} this machine keeps`);
  const nowEnv = parseEnv(current.find((f) => f.path === ENV_FILE)?.content ?? '');
  const secrets = Object.fromEntries(Object.entries(nowEnv).filter(([k]) => record.env.secrets.includes(k)));
  const missing = record.env.secrets.filter((k) => !Object.hasOwn(secrets, k) && !(s.manifest.secretSources ?? {})[k] && !(s.manifest.secretsFromEnv ?? []).includes(k));
  if (missing.length) throw new Error(`it needs the secret ${missing.join(', ')}, which .env no longer has`);
  const env = fs.readFileSync(envFile, 'utf8') + Object.entries(secrets).map(([k, v]) => envLine(k, v) + '\n').join('');
  const kept = (p: string) => current.find((f) => f.path === p);
  const files: FileOut[] = record.files.map((f) => {
    if (f.path === ENV_FILE) return { path: f.path, content: env, mode: 0o600 };
    if (f.content !== undefined) return { path: f.path, content: f.content, mode: f.mode };
    const now = kept(f.path);
    if (!now) throw new Error(`its ${f.path} carries a secret, which is not kept, and the stack no longer has one`);
    return now;
  });
  // The nodes' bundles are theirs: they stay as generate wrote them.
  return [...files, ...current.filter((f) => f.path.startsWith(`${NODES_DIR}/`))];
}
