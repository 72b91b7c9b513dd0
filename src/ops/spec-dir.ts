/**
 * Relative paths in stack.yaml mean what they meant where the user wrote it.
 * berth keeps a copy of every stack.yaml in the stack's folder, and replaces
 * that folder at every generate: a path resolved against the copy would put
 * the stack's data inside a folder berth deletes. So a spec read from a stored
 * copy resolves against the folder the stack was first generated from, and no
 * bind mount or build context may point into berth's stack folders.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ResolvedStack } from '../model/stack.js';
import { writeInterpolated } from '../spec/interpolation.js';
import { stacksDir } from '../store/home.js';
import { readManifest } from '../store/stacks.js';

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir + path.sep);

/**
 * The folder relative paths resolve against: `specDir` as given, unless it is
 * one of berth's stack folders, whose stack recorded where its spec came from.
 */
export function effectiveSpecDir(home: string, specDir: string): string {
  const stacks = stacksDir(home);
  const abs = path.resolve(specDir);
  if (!inside(stacks, abs) || abs === stacks) return abs;
  const owner = path.relative(stacks, abs).split(path.sep)[0]!;
  let recorded: string | undefined;
  try {
    recorded = readManifest(home, owner)?.specDir;
  } catch {
    recorded = undefined;
  }
  return recorded && !inside(stacks, recorded) ? recorded : abs;
}

/** The stack.yaml key a produced service's settings come from (instances and scaled workers share their spec's). */
function specKey(s: ResolvedStack['services'][number]): string {
  return s.origin.spec;
}

/** Refuses host paths inside berth's stack folders: berth replaces them, and what is in them is lost. */
export function refuseStackFolderPaths(home: string, stack: ResolvedStack): void {
  const stacks = stacksDir(home);
  const fix = `use a named volume (data:/data), or a folder outside ${stacks}; if this stack.yaml is a stored copy, generate from the original file`;
  for (const s of stack.services) {
    for (const m of s.mounts) {
      if (m.type !== 'bind') continue;
      const source = writeInterpolated(m.source);
      if (path.isAbsolute(source) && inside(stacks, source)) {
        throw new UsageError(`services.${specKey(s)}.volumes: ${source} is inside berth's stack folders, which berth replaces at every generate (data there is lost); ${fix}`);
      }
    }
    const context = s.build && writeInterpolated(s.build.context);
    if (context && inside(stacks, path.resolve(context))) {
      throw new UsageError(`services.${specKey(s)}.build: ${context} is inside berth's stack folders, which berth replaces at every generate; keep the build context outside ${stacks}`);
    }
  }
}
