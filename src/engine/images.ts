/**
 * Images on a host berth deploys to: what it has (by reference and id), the
 * digests a release records, images sent from this machine's engine for a
 * host that cannot reach a registry (`docker save | docker load`, without the
 * layers the host already has), and a reference put back on the image a
 * release ran (a rollback after the tag moved).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { runOrFail, type Runner } from './runner.js';
import { entryText, tarEntries, tarWithout } from './tar.js';

/**
 * Each argument inspected on its own, so one the host lacks is a '-' line,
 * not an error that hides the rest; one line each (some docker CLIs add a
 * blank line after the template).
 */
const INSPECT_EACH = 'for x; do v=$(docker image inspect --format "$0" "$x" 2>/dev/null) && printf "%s\\n" "$v" || echo -; done';

/** `format` (a Go template) of each image, in order; undefined for one the engine does not have. */
export async function inspectEach(runner: Runner, images: string[], format = '{{.Id}}'): Promise<(string | undefined)[]> {
  if (!images.length) return [];
  const r = await runner.run({ argv: ['sh', '-c', INSPECT_EACH, format, ...images] });
  if (r.code !== 0) throw new BerthError(`cannot list the images of the host: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`}`, { code: 'engine_failed' });
  const lines = r.stdout.split('\n').slice(0, images.length);
  return images.map((_, i) => (lines[i] && lines[i] !== '-' ? lines[i] : undefined));
}

export interface ImageFacts {
  ref: string;
  id: string;
  /** repo@sha256:... when the image came from a registry. */
  digest?: string;
}

/** The repository of an image reference: what comes before its tag or digest. */
export function imageRepo(ref: string): string {
  return ref.replace(/(@.*|:[^/:]*)$/, '');
}

/** The id and registry digest of each image on the host; an image it does not have is an error naming it. */
export async function imageFacts(runner: Runner, refs: string[]): Promise<ImageFacts[]> {
  const found = await inspectEach(runner, refs, '{{.Id}} {{json .RepoDigests}}');
  return refs.map((ref, i) => {
    const line = found[i];
    if (!line) throw new BerthError(`image ${ref} is not on the host after the pull; check the reference`, { code: 'engine_failed' });
    const [id, digests] = [line.slice(0, line.indexOf(' ')), JSON.parse(line.slice(line.indexOf(' ') + 1)) as string[] | null];
    const repo = imageRepo(ref);
    const digest = (digests ?? []).find((d) => d.startsWith(`${repo}@`)) ?? digests?.[0];
    return { ref, id, ...(digest ? { digest } : {}) };
  });
}

/** Where an image a release ran can be sent from again: this machine's engine (the archives of one command). */
export interface ImageSource {
  local: Runner;
  saved: SavedImages;
}

/**
 * Tags an image the host has under `ref` again. One it no longer has is
 * pulled by digest (from a registry), or sent again from this machine when
 * this machine still has that image (one the deploy built or shipped).
 */
export async function putBack(runner: Runner, image: ImageFacts, from?: ImageSource): Promise<void> {
  const [now, has] = await inspectEach(runner, [image.ref, image.id]);
  if (now === image.id) return;
  const short = image.id.replace(/^sha256:/, '').slice(0, 12);
  if (!has && image.digest) await must(runner, ['docker', 'pull', image.digest], `docker pull ${image.digest} on the host`);
  else if (!has && from && (await inspectEach(from.local, [image.id]))[0]) await shipImages(from.local, runner, [image.id], from.saved);
  else if (!has) throw new BerthError(`image ${image.ref} (${short}) is no longer on the host, nor on this machine, and came from no registry; deploy again (it is built or sent anew)`, { code: 'engine_failed' });
  await must(runner, ['docker', 'tag', has || !image.digest ? image.id : image.digest, image.ref], `docker tag ${image.ref} on the host`);
}

const must = (runner: Runner, argv: string[], what: string, input?: Readable) => runOrFail(runner, { argv }, what, input ? { input } : {});

/** Layer chains (diff ids from the first on) of every image on the host, as keys. */
const CHAINS = 'docker image ls -aq --no-trunc | sort -u | xargs -r docker image inspect --format "{{json .RootFS.Layers}}"';

async function hostChains(remote: Runner): Promise<Set<string>> {
  const r = await remote.run({ argv: ['sh', '-c', CHAINS] });
  const chains = new Set<string>();
  for (const line of r.code === 0 ? r.stdout.split('\n').filter(Boolean) : []) {
    const layers = JSON.parse(line) as string[];
    layers.forEach((_, i) => chains.add(layers.slice(0, i + 1).join(',')));
  }
  return chains;
}

/** The layer files of a `docker save` archive whose whole chain the host has: docker load skips such a layer without reading it. */
function layersHeld(file: string, chains: Set<string>): Set<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const entries = tarEntries(fd);
    const read = (name: string) => JSON.parse(entryText(fd, entries.find((e) => e.name === name)!)) as unknown;
    const images = read('manifest.json') as { Config: string; Layers: string[] }[];
    const held = new Set(images.flatMap((m) => m.Layers));
    for (const m of images) {
      const diffs = (read(m.Config) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
      m.Layers.forEach((layer, i) => chains.has(diffs.slice(0, i + 1).join(',')) || held.delete(layer));
    }
    return held;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `docker save` archives made here during one command, by the images they
 * hold: a deploy that sends the same images to several nodes saves them once.
 */
export class SavedImages {
  private dir?: string;
  private readonly files = new Map<string, Promise<string>>();
  constructor(private readonly local: Runner) {}

  file(refs: string[]): Promise<string> {
    const key = [...refs].sort().join('\n');
    let f = this.files.get(key);
    if (!f) {
      this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
      const file = path.join(this.dir, `${this.files.size}.tar`);
      f = must(this.local, ['docker', 'save', '-o', file, ...refs], 'docker save').then(() => file);
      this.files.set(key, f);
    }
    return f;
  }

  dispose(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Makes the host have each image as this machine has it: nothing for one it
 * has, a tag for one it has under another name, else `docker save` here and
 * `docker load` there, without the layers the host holds (all of them again
 * if the host's engine refuses that). Returns the references sent.
 */
export async function shipImages(local: Runner, remote: Runner, refs: string[], saved: SavedImages): Promise<string[]> {
  const ids = await inspectEach(local, refs);
  const missing = refs.find((_, i) => !ids[i]);
  if (missing) throw new BerthError(`image ${missing} is not on this machine; build or pull it here first (--ship-images sends what this machine has)`, { code: 'not_found' });
  const there = await inspectEach(remote, [...refs, ...(ids as string[])]);
  const send: string[] = [];
  for (const [i, ref] of refs.entries()) {
    if (there[i] === ids[i]) continue;
    if (there[refs.length + i]) await must(remote, ['docker', 'tag', ids[i]!, ref], `docker tag ${ref} on the host`);
    else send.push(ref);
  }
  if (!send.length) return [];
  const file = await saved.file(send);
  const held = layersHeld(file, await hostChains(remote));
  const load = (skip: Set<string>) => must(remote, ['docker', 'load', '-q'], `docker load of ${send.join(', ')}`, Readable.from(tarWithout(file, (n) => skip.has(n))));
  await load(held).catch((e) => (held.size ? load(new Set()) : Promise.reject(e)));
  return send;
}
