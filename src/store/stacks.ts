/** Reading stored stacks: names, manifests, .env, the spec as given. */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';
import { isAbsent } from '../util/fs-errors.js';
import type { Manifest } from '../model/manifest.js';
import { MANIFEST_FILE, SPEC_FILE } from '../render/files.js';
import { ENV_FILE, parseEnv } from '../render/env.js';
import { stackDir, stacksDir } from './home.js';
import { interruptedSwaps, repairStackDir } from './atomic.js';
import { isLocked } from './lock.js';
import { parseManifest } from './manifest.js';
import { STACK_NAME_RE } from '../util/names.js';
import { publishedPorts, type PublishedPort } from '../resolve/ports.js';

/**
 * Every stored stack's name, those a crash left moved aside included (they are
 * put back here, unless a command holding the stack's lock is at work on them).
 */
export function listStackNames(home: string): string[] {
  const dir = stacksDir(home);
  if (!fs.existsSync(dir)) return [];
  for (const name of interruptedSwaps(dir)) repairUnlessLocked(home, name);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && STACK_NAME_RE.test(e.name))
    .map((e) => e.name)
    .sort();
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

/**
 * Crash repair for readers, who do not take the lock: while a command holds it,
 * a temp or moved-aside dir is that command's work in progress, not a crash's leftover.
 */
function repairUnlessLocked(home: string, name: string): void {
  if (!isLocked(home, name)) repairStackDir(stacksDir(home), name);
}

export function stackExists(home: string, name: string): boolean {
  repairUnlessLocked(home, name);
  return fs.existsSync(path.join(stackDir(home, name), MANIFEST_FILE));
}

/** The stack's manifest, validated (older formats migrated); undefined when the stack has none. */
export function readManifest(home: string, name: string): Manifest | undefined {
  const file = path.join(stackDir(home, name), MANIFEST_FILE);
  const text = readIfExists(file);
  return text === undefined ? undefined : parseManifest(text, file, name);
}

/**
 * The same, read without blocking: a server that lists every stack reads them
 * between answering others, and a slow disk holds up only the listing.
 */
export async function readManifestAsync(home: string, name: string): Promise<Manifest | undefined> {
  const file = path.join(stackDir(home, name), MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
  return parseManifest(text, file, name);
}

/** The manifest of a stack that must exist; a clear error otherwise. */
export function requireManifest(home: string, name: string): Manifest {
  repairUnlessLocked(home, name);
  const m = readManifest(home, name);
  if (!m) throw new BerthError(`no stack named ${name}; berth list shows the stacks, berth generate ${name} ... creates it`, { code: 'not_found' });
  return m;
}

export function readStackEnv(home: string, name: string): Record<string, string> {
  const text = readIfExists(path.join(stackDir(home, name), ENV_FILE));
  return text === undefined ? {} : parseEnv(text);
}

export function readSpecText(home: string, name: string): string | undefined {
  return readIfExists(path.join(stackDir(home, name), SPEC_FILE));
}

/** Every other stored stack's manifest; damaged ones are skipped (they must not block work on the others). */
export function otherManifests(home: string, except: string): Manifest[] {
  return listStackNames(home)
    .filter((n) => n !== except)
    .flatMap((n) => {
      try {
        const m = readManifest(home, n);
        return m ? [m] : [];
      } catch {
        return [];
      }
    });
}

/** Host ports every other stored stack publishes. */
export function otherStacksPorts(home: string, except: string): PublishedPort[] {
  return otherManifests(home, except).flatMap((m) => publishedPorts(m.stack, m.services));
}
