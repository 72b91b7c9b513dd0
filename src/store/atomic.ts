/**
 * Writes a whole stack dir at once: files go to a temp dir beside it, then the
 * old dir is moved aside and the new one renamed into place. A failure before
 * the swap leaves the old files exactly as they were; a crash between the two
 * renames is repaired on the next access (the old dir is moved back).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileOut } from '../model/files.js';
import { STACK_NAME_RE } from '../util/names.js';

const TMP = '.tmp-';
const OLD = '.old-';

/** `durable`: each file reaches the disk before the swap (a stack's own files); off for output berth can write again. */
function writeTree(dir: string, files: FileOut[], durable: boolean): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of files) {
    const target = path.join(dir, f.path);
    if (!target.startsWith(dir + path.sep)) throw new Error(`internal: ${f.path} escapes the stack dir`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, 'wx', f.mode ?? 0o644);
    try {
      fs.writeSync(fd, f.content);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(target, f.mode ?? 0o644);
  }
}

/** Names of stacks whose dir a crash left moved aside (`.old-<name>.<hex>`) or half-written (`.tmp-...`). */
export function interruptedSwaps(parent: string): string[] {
  const names = fs
    .readdirSync(parent)
    .map((e) => (e.startsWith(OLD) ? e.slice(OLD.length) : e.startsWith(TMP) ? e.slice(TMP.length) : undefined))
    .filter((e): e is string => e !== undefined)
    .map((e) => e.slice(0, e.lastIndexOf('.')))
    .filter((e) => STACK_NAME_RE.test(e));
  return [...new Set(names)];
}

/** Puts back a stack dir a crash left moved aside, and clears leftover temp dirs. Callers hold the stack's lock. */
export function repairStackDir(parent: string, name: string): void {
  if (!fs.existsSync(parent)) return;
  const entries = fs.readdirSync(parent);
  const olds = entries.filter((e) => e.startsWith(`${OLD}${name}.`));
  if (!fs.existsSync(path.join(parent, name)) && olds[0]) fs.renameSync(path.join(parent, olds.shift()!), path.join(parent, name));
  for (const e of [...olds, ...entries.filter((x) => x.startsWith(`${TMP}${name}.`))]) fs.rmSync(path.join(parent, e), { recursive: true, force: true });
}

/**
 * `durable: false` skips the fsync of every file, for output that is made
 * again by running the command again (an export): the swap stays atomic, and
 * a few thousand fsyncs would cost seconds.
 */
export function replaceDir(dir: string, files: FileOut[], o: { durable?: boolean } = {}): void {
  const parent = path.dirname(dir);
  const name = path.basename(dir);
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  repairStackDir(parent, name);
  const suffix = `${name}.${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, TMP + suffix);
  const old = path.join(parent, OLD + suffix);
  try {
    writeTree(tmp, files, o.durable ?? true);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const existed = fs.existsSync(dir);
  if (existed) fs.renameSync(dir, old);
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    if (existed) fs.renameSync(old, dir);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existed) fs.rmSync(old, { recursive: true, force: true });
}
