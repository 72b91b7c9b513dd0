/**
 * Paths on this host that a stack builds from or bind-mounts, checked at
 * generate. A build with a missing context fails only at up; a missing bind
 * source is worse: Docker creates it as an empty root-owned directory, and the
 * service starts on nothing. Only what the user gave is checked (the files
 * berth writes into the stack dir exist once generate has written them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { BuildSpec, Mount } from '../model/service.js';
import type { ResolvedStack } from '../model/stack.js';
import { textValue } from '../model/text.js';
import { writeInterpolated } from '../spec/interpolation.js';

type Kind = 'directory' | 'file' | 'any';

function exists(p: string, kind: Kind): boolean {
  try {
    const st = fs.statSync(p);
    return kind === 'any' || (kind === 'directory' ? st.isDirectory() : st.isFile());
  } catch {
    return false;
  }
}

/** `./api (resolved to /srv/app/api)` for a path under stack.yaml's folder; an absolute one as it is. */
function shown(abs: string, specDir: string): string {
  const rel = path.relative(specDir, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel} (resolved to ${abs})` : abs;
}

function checkBuild(b: BuildSpec, key: string, specDir: string, vars: Record<string, string>): void {
  const context = textValue(b.context, vars);
  // A ${VAR} without a value here (a secret) is Compose's to fill in at up.
  if (context === undefined) return;
  if (!exists(context, 'directory')) throw new UsageError(`${key}: ${shown(context, specDir)} ${fs.existsSync(context) ? 'is not a directory' : 'does not exist'}; fix the path`);
  const dockerfile = textValue(b.dockerfile ?? 'Dockerfile', vars);
  if (dockerfile === undefined) return;
  const file = path.resolve(context, dockerfile);
  if (!exists(file, 'file')) {
    const at = b.dockerfile ? `${key}.dockerfile` : key;
    throw new UsageError(`${at}: ${shown(file, specDir)} does not exist; ${b.dockerfile ? 'fix the path (it is relative to the build context)' : 'add a Dockerfile there, or set dockerfile:'}`);
  }
}

function checkBind(m: Extract<Mount, { type: 'bind' }>, key: string, specDir: string, vars: Record<string, string>): void {
  const source = textValue(m.source, vars);
  if (source === undefined || exists(source, 'any')) return;
  const fix = key.endsWith('.volumes') ? `create it (mkdir -p ${source}), or use a named volume like data:${writeInterpolated(m.target)}` : 'create it, or fix the path';
  throw new UsageError(`${key}: ${shown(source, specDir)} does not exist, and Docker would mount an empty directory in its place; ${fix}`);
}

/** Build contexts (with their Dockerfile) and bind-mount sources the user gave must exist on this host. */
export function checkHostPaths(stack: ResolvedStack, specDir: string): void {
  for (const s of stack.services) {
    if (s.build) checkBuild(s.build, s.build.givenAt ?? `services.${s.name}.build`, specDir, stack.vars);
    for (const m of s.mounts) if (m.type === 'bind' && m.givenAt) checkBind(m, m.givenAt, specDir, stack.vars);
  }
}
