/**
 * What a release is made of on this machine: a node's bundle as generate
 * wrote it (nodes/<node>/ in the stack dir) with this deploy's variables in
 * its .env, the images its services run, and the record of its files, which
 * keeps what carries no secret and only names what does.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import type { FileOut } from '../model/files.js';
import type { Manifest, ManifestNode, ManifestService } from '../model/manifest.js';
import type { ReleaseFile } from '../model/release.js';
import { parseInterpolated } from '../spec/interpolation.js';
import { textValue } from '../model/text.js';
import { ENV_FILE, envLine, parseEnv } from '../render/env.js';
import { MANIFEST_FILE, NODES_DIR } from '../render/files.js';
import { parseManifest } from '../store/manifest.js';
import { runsUnder } from '../resolve/profiles.js';
import { byText } from '../util/order.js';

/** A node's part of a stack as a release: its files (.env at mode 0600), its manifest, its .env entries. */
export interface ReleaseBundle {
  files: FileOut[];
  manifest: Manifest;
  env: Record<string, string>;
}

export function filesUnder(dir: string, rel = ''): FileOut[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return filesUnder(dir, p);
    const file = path.join(dir, p);
    return [{ path: p, content: fs.readFileSync(file, 'utf8'), mode: fs.statSync(file).mode & 0o777 }];
  });
}

/** .env with `vars` in place of the values generate wrote (each a variable of the stack, checked by the caller). */
export function withVars(envText: string, vars: Record<string, string>): string {
  return envText
    .split('\n')
    .map((line) => {
      const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
      return name !== undefined && Object.hasOwn(vars, name) ? envLine(name, vars[name]!) : line;
    })
    .join('\n');
}

/** A bundle from its files (as read from the stack dir, or back from a node). */
export function bundleOf(files: FileOut[], project: string, where: string): ReleaseBundle {
  const text = (p: string) => files.find((f) => f.path === p)?.content;
  const manifestText = text(MANIFEST_FILE);
  if (manifestText === undefined) throw new BerthError(`${where} has no ${MANIFEST_FILE}; regenerate the stack (berth generate)`, { code: 'damaged', path: where });
  return { files, manifest: parseManifest(manifestText, `${where}/${MANIFEST_FILE}`, project), env: parseEnv(text(ENV_FILE) ?? '') };
}

/** The node's bundle in the stack dir, with this deploy's variables. */
export function nodeBundle(stackDir: string, node: ManifestNode, vars: Record<string, string>): ReleaseBundle {
  const dir = path.join(stackDir, NODES_DIR, node.name);
  if (!fs.existsSync(dir)) throw new BerthError(`node ${node.name} has no bundle in ${stackDir}; regenerate the stack (berth generate)`, { code: 'damaged', path: dir });
  const files = filesUnder(dir).map((f) => (f.path === ENV_FILE ? { ...f, content: withVars(f.content, vars), mode: 0o600 } : f));
  return bundleOf(files, node.project, dir);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A file carries secrets when only its owner may read it (.env, private keys): its record names it only. */
const secretFile = (f: FileOut) => f.path === ENV_FILE || ((f.mode ?? 0o644) & 0o077) === 0;

export function fileRecords(files: FileOut[]): ReleaseFile[] {
  return files
    .map((f) => (secretFile(f) ? { path: f.path, mode: f.mode ?? 0o600, secret: true as const } : { path: f.path, mode: f.mode ?? 0o644, sha256: sha256(f.content), content: f.content }))
    .sort((a, b) => byText(a.path, b.path));
}

/** A hash of the .env entries that are not secrets, and the secrets' names. */
export function envRecord(b: ReleaseBundle): { hash: string; secrets: string[] } {
  const secrets = new Set(b.manifest.secrets);
  const plain = Object.entries(b.env).filter(([k]) => !secrets.has(k)).map(([k, v]) => `${k}=${v}\n`).sort();
  return { hash: `sha256:${sha256(plain.join(''))}`, secrets: [...secrets].sort() };
}

/** A service's image reference with the release's variables filled in (from its .env). */
export const imageOf = (s: ManifestService, env: Record<string, string>): string => textValue(parseInterpolated(s.image), env) ?? s.image;

/**
 * The image each running service of the release uses, its variables filled in
 * from the release's .env. A bundle must name its images: one that still
 * builds (release-build.ts replaces a build with the image made here) is an
 * internal error, refused before any node is touched.
 */
export function releaseImages(b: ReleaseBundle): { service: string; ref: string }[] {
  const built = b.manifest.services.find((s) => s.build);
  if (built) throw new BerthError(`internal: service ${built.name} of the release still builds its image; its bundle must name the image built for it`);
  return b.manifest.services.filter((s) => runsUnder(s.profiles, b.manifest.profiles) && s.image).map((s) => ({ service: s.name, ref: imageOf(s, b.env) }));
}
