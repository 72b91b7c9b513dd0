/**
 * Releases on a node, as folders: ~/.berth/releases/<stack>/<node>/<n>/ holds
 * release n's files (Compose runs there) and its record (release.json);
 * `current` links the one that runs. A release folder appears whole (unpacked
 * beside it, then renamed) and `current` moves in one rename, so an
 * interrupted deploy leaves the previous release running and named.
 */
import type { FileOut } from '../model/files.js';
import type { ManifestNode } from '../model/manifest.js';
import type { NodeRelease, ReleaseRecord } from '../model/release.js';
import { BerthError } from '../errors.js';
import type { OpsDeps } from './deps.js';
import type { Remote } from '../engine/remote.js';
import { runOrFail, type Runner } from '../engine/runner.js';
import { tarOf } from '../engine/tar.js';
import { MANIFEST_FILE } from '../render/files.js';
import { ENV_FILE } from '../render/env.js';
import { parseRelease } from '../store/releases.js';

export const RECORD_FILE = 'release.json';

/** Where a stack's releases are on a node, which are there, and which one runs. */
export interface NodePlace {
  stack: string;
  node: ManifestNode;
  remote: Remote;
  /** Absolute: ~/.berth/releases/<stack>/<node>. */
  base: string;
  /** Absolute: ~/.berth/locks. */
  locks: string;
  numbers: number[];
  current?: number;
}

const LOOK = 'b="$HOME/.berth/releases/$1/$2"; mkdir -p "$b" && echo "$b" && echo "$HOME/.berth/locks" && echo "current=$(readlink "$b/current")" && ls -1 "$b"';

const must = (runner: Runner, argv: string[], what: string, input?: string | Buffer) => runOrFail(runner, { argv }, what, input !== undefined ? { input } : {});

/** The stack's release folders on the node (made when missing). */
export async function placeOn(remote: Remote, stack: string, node: ManifestNode): Promise<NodePlace> {
  const [base, locks, current, ...entries] = (await must(remote.runner, ['sh', '-c', LOOK, 'sh', stack, node.name], `reading the releases on ${node.name}`)).split('\n');
  const numbers = entries.filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b);
  const cur = /^current=(\d+)$/.exec(current ?? '')?.[1];
  return { stack, node, remote, base: base!, locks: locks!, numbers, ...(cur ? { current: Number(cur) } : {}) };
}

export const releaseDir = (p: NodePlace, n: number) => `${p.base}/${n}`;

/** Puts release n's files on the node: unpacked beside the others, then renamed into place whole. */
export async function upload(p: NodePlace, n: number, files: FileOut[], now: number): Promise<void> {
  const script = 'rm -rf "$1" && [ ! -e "$2" ] && mkdir -p "$1" && tar -x -f - -C "$1" && mv "$1" "$2"';
  await must(p.remote.runner, ['sh', '-c', script, 'sh', `${p.base}/.tmp-${n}`, releaseDir(p, n)], `copying release ${n} to ${p.node.name}`, tarOf(files, Math.floor(now / 1000)));
  p.numbers = [...p.numbers, n];
}

/** Makes release n the one `current` names, in one rename. */
export async function makeCurrent(p: NodePlace, n: number): Promise<void> {
  const script = 'ln -sfn "$1" "$2.new" && mv -fT "$2.new" "$2"';
  await must(p.remote.runner, ['sh', '-c', script, 'sh', String(n), `${p.base}/current`], `switching ${p.node.name} to release ${n}`);
  p.current = n;
}

/** The release's record beside its files on the node (replaced whole). */
export async function writeRecord(p: NodePlace, record: ReleaseRecord): Promise<void> {
  const file = `${releaseDir(p, record.number)}/${RECORD_FILE}`;
  await must(p.remote.runner, ['sh', '-c', 'cat > "$1.new" && mv -f "$1.new" "$1"', 'sh', file], `writing the record of release ${record.number} on ${p.node.name}`, JSON.stringify(record, null, 2) + '\n');
}

/** What a release folder on the node holds that a start needs: its manifest and .env (read into memory only). */
export async function readBack(p: NodePlace, n: number): Promise<{ files: FileOut[]; record?: ReleaseRecord }> {
  const dir = releaseDir(p, n);
  const read = (name: string) => must(p.remote.runner, ['cat', `${dir}/${name}`], `reading release ${n} on ${p.node.name}`);
  const [manifest, env] = await Promise.all([read(MANIFEST_FILE), read(ENV_FILE)]);
  const record = await read(RECORD_FILE).then((t) => parseRelease(t, `${p.node.name}:${dir}/${RECORD_FILE}`), () => undefined);
  return { files: [{ path: MANIFEST_FILE, content: manifest }, { path: ENV_FILE, content: env, mode: 0o600 }], ...(record ? { record } : {}) };
}

/** The names of the Swarm secrets and configs the node's kept releases use (their swarm-objects.json). */
export async function objectsKept(p: NodePlace): Promise<Set<string>> {
  const script = 'for d; do [ -f "$d/swarm-objects.json" ] && cat "$d/swarm-objects.json"; echo; done';
  const out = await must(p.remote.runner, ['sh', '-c', script, 'sh', ...p.numbers.map((n) => releaseDir(p, n))], `reading the releases on ${p.node.name}`);
  const names = out.split(/\n\s*\n/).flatMap((chunk) => (chunk.trim() ? (JSON.parse(chunk) as { name: string }[]).map((o) => o.name) : []));
  return new Set(names);
}

/** Removes the release folders past the newest `keep` (never the running one); their records stay here. */
export async function prune(p: NodePlace, keep: number): Promise<number[]> {
  const old = p.numbers.slice(0, Math.max(0, p.numbers.length - keep)).filter((n) => n !== p.current);
  if (old.length) await must(p.remote.runner, ['rm', '-rf', ...old.map((n) => releaseDir(p, n))], `removing old releases on ${p.node.name}`);
  p.numbers = p.numbers.filter((n) => !old.includes(n));
  return old;
}

/**
 * A node's part of release `record`, run by `work`: once it is healthy the
 * node runs that release (here too); a failure is returned with the failing
 * service, not thrown; the node's own record of the release is written
 * either way, beside its files when they got there.
 */
export async function settleNode(deps: OpsDeps, p: NodePlace, record: ReleaseRecord, node: NodeRelease, work: () => Promise<void>): Promise<{ node: NodeRelease; error?: BerthError }> {
  try {
    await work();
    node.result = 'healthy';
    deps.store.releases.setCurrent(p.stack, p.node.name, record.number);
    return { node };
  } catch (e) {
    const error = e instanceof BerthError ? e : new BerthError((e as Error).message);
    Object.assign(node, { result: 'failed', error: error.message, ...(error.path?.startsWith('services.') ? { failedService: error.path.slice('services.'.length) } : {}) });
    return { node, error };
  } finally {
    await writeRecord(p, { ...record, nodes: { [p.node.name]: node }, result: node.result }).catch(() => undefined);
  }
}
