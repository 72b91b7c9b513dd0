/**
 * What a deploy sets for its release: the variables (--var, and --tag as
 * IMAGE_TAG) and the tag of the images it builds, which without --tag is
 * sha-<7> of a clean git checkout where stack.yaml was written.
 */
import { UsageError } from '../errors.js';
import type { Session } from './session.js';
import { parseVars, stackVars } from './up-checks.js';

/**
 * The variables this release sets (--var pairs and --tag, each a variable of
 * the stack) and its tag. --tag also names the images the deploy builds, so
 * a stack that `builds` may have one without IMAGE_TAG.
 */
export async function releaseVars(s: Session, o: { tag?: string; vars?: string[] }, builds = false): Promise<{ vars: Record<string, string>; tag?: string }> {
  const hasTag = Object.hasOwn(stackVars(s), 'IMAGE_TAG');
  if (o.tag !== undefined && !hasTag && !builds) {
    throw new UsageError(`--tag sets IMAGE_TAG, which stack ${s.ref.name} does not have; add IMAGE_TAG under vars: in stack.yaml and use \${IMAGE_TAG} in an image`);
  }
  const tag = o.tag === 'git' ? await gitTag(s) : o.tag;
  const vars = parseVars(s, [...(o.vars ?? []), ...(tag !== undefined && hasTag ? [`IMAGE_TAG=${tag}`] : [])]);
  // Without --tag, what the deploy builds from a clean checkout is named for its commit (IMAGE_TAG stays as it is).
  const built = tag ?? (builds ? await cleanCheckoutTag(s) : undefined);
  return { vars, ...(built !== undefined ? { tag: built } : {}) };
}

/** git in the folder stack.yaml was written in; a git that cannot run answers as one that failed. */
const git = (s: Session, dir: string, args: string[]) => s.deps.runner.run({ argv: ['git', '-C', dir, ...args] }).catch((e: Error) => ({ code: 127, stdout: '', stderr: e.message }));

/** The short (7) sha of HEAD there. */
const headSha = (s: Session, dir: string) => git(s, dir, ['rev-parse', '--short=7', 'HEAD']);

/** sha-<7> of HEAD where stack.yaml was written, when that is a git checkout without uncommitted changes. */
async function cleanCheckoutTag(s: Session): Promise<string | undefined> {
  const dir = s.manifest.specDir;
  if (!dir) return undefined;
  const [head, changes] = await Promise.all([headSha(s, dir), git(s, dir, ['status', '--porcelain', '--untracked-files=no'])]);
  if (head.code !== 0 || changes.code !== 0 || !/^[0-9a-f]{7,}$/.test(head.stdout.trim())) return undefined;
  if (changes.stdout.trim()) {
    s.deps.onEvent({ type: 'note', message: `${dir} has uncommitted changes: the images this deploy builds are named by their id, not sha-${head.stdout.trim()}` });
    return undefined;
  }
  return `sha-${head.stdout.trim()}`;
}

/** `--tag git`: sha-<7> of the commit checked out where stack.yaml was written, as CI tags the images it builds. */
async function gitTag(s: Session): Promise<string> {
  const dir = s.manifest.specDir;
  const fix = 'pass the tag itself (--tag sha-1a2b3c4)';
  if (!dir) throw new UsageError(`--tag git: stack ${s.ref.name} was not generated from a stack.yaml in a folder; ${fix}`);
  const r = await headSha(s, dir);
  if (r.code !== 0) throw new UsageError(`--tag git: ${dir} is not in a git checkout with a commit (${r.stderr.trim().split('\n')[0] || `git exited ${r.code}`}); ${fix}`);
  return `sha-${r.stdout.trim()}`;
}
