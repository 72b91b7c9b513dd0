/** What every operation on a stored stack needs: its manifest, a runner, Compose, the engine, and its run-time choices. */
import { BerthError, UsageError } from '../errors.js';
import { validateStackName } from '../store/home.js';
import { DryRunRunner, type Command, type Runner } from '../engine/runner.js';
import { compose, type ComposeCli, type StackRef } from '../engine/compose.js';
import type { Engine } from '../engine/docker-api.js';
import type { Manifest } from '../model/manifest.js';
import { failedPull } from '../engine/compose-output.js';
import type { OpsDeps } from './deps.js';

export interface Session {
  deps: OpsDeps;
  manifest: Manifest;
  ref: StackRef;
  /** The deps' runner, or one that reports each command instead of running it (dry run). */
  runner: Runner;
  dryRun: boolean;
  engine(): Engine;
  cli(): Promise<ComposeCli>;
  /** Active profiles: chosen at the last up (--profile), else the stack's. */
  profiles: string[];
  /** Variables set at the last up (--var), given to every Compose command on top of .env. */
  vars: Record<string, string>;
  /**
   * Values of the secrets the stack does not store (read from their providers
   * here, and on a node those from berth's environment), once read for a
   * start; Compose gets them in its environment.
   */
  secretEnv?: Record<string, string>;
  /** A Compose command for this stack under the given profiles (default: the active ones). */
  compose(args: string[], profiles?: string[]): Promise<Command>;
}

/**
 * A command that creates no container (down, logs, exec) needs no secret, so
 * the providers are not asked for one: their names are given empty, or
 * Compose would warn that each is not set.
 */
function unreadSecrets(m: Manifest): Record<string, string> {
  return Object.fromEntries(Object.keys(m.secretSources ?? {}).map((n) => [n, '']));
}

/** The run-time choices of the last up, on top of the stored stack. */
function applyRuntime(s: Session): void {
  const r = s.deps.store.runtime.read(s.ref.name);
  s.profiles = r.profiles ?? s.manifest.profiles;
  s.vars = r.vars ?? {};
}

/** A stored stack to work on; with `dryRun`, commands are reported as events instead of run. */
export function openStack(deps: OpsDeps, name: string, opts: { dryRun?: boolean } = {}): Session {
  validateStackName(name);
  const manifest = deps.store.stacks.requireManifest(name);
  if (!manifest.services.length && manifest.nodes?.length) {
    const nodes = manifest.nodes.map((n) => n.name).join(', ');
    throw new UsageError(`stack ${name} runs on its nodes (${nodes}), none of it on this machine; berth deploy ${name} puts it there, berth releases ${name} shows what runs, and berth status or logs ${name} --node ${manifest.nodes[0]!.name} show a node's services`);
  }
  return makeSession(deps, manifest, { name, dir: deps.store.stacks.dir(name) }, opts);
}

/** A session on a stack whose files are at `ref` (a stored stack, or a release folder on a node). */
export function makeSession(deps: OpsDeps, manifest: Manifest, ref: StackRef, opts: { dryRun?: boolean; secretEnv?: Record<string, string> } = {}): Session {
  const dryRun = !!opts.dryRun;
  const runner = dryRun ? new DryRunRunner((line) => deps.onEvent({ type: 'command', line }), deps.runner) : deps.runner;
  const session: Session = {
    deps,
    manifest,
    ref,
    runner,
    dryRun,
    engine: () => deps.engine(),
    cli: () => deps.compose(runner),
    profiles: manifest.profiles,
    vars: {},
    secretEnv: opts.secretEnv,
    compose: async (args, profiles = session.profiles) => {
      const cmd = compose(await session.cli(), ref, profiles, args);
      const secretEnv = session.secretEnv ?? unreadSecrets(session.manifest);
      return { ...cmd, ...(Object.keys(session.vars).length ? { env: session.vars } : {}), ...(Object.keys(secretEnv).length ? { secretEnv } : {}) };
    },
  };
  applyRuntime(session);
  return session;
}

/**
 * Runs `fn` holding the stack's lock, with the manifest as it is once the lock
 * is held: a generate this command waited for may have changed the stack.
 */
export function withStackLock<T>(s: Session, command: string, fn: () => Promise<T>): Promise<T> {
  const locked = () => {
    s.manifest = s.deps.store.stacks.requireManifest(s.ref.name);
    applyRuntime(s);
    return fn();
  };
  // A dry run changes nothing, so it needs no lock (and writes no lock file).
  if (s.dryRun) return locked();
  return s.deps.store.locks.withLock(s.ref.name, command, locked, (holder) => s.deps.onEvent({ type: 'waiting', stack: s.ref.name, holder }));
}

/** Every profile of the stack: down, build and clean act on all services, whatever is active. */
export function allProfiles(m: Manifest): string[] {
  return m.knownProfiles;
}

/** Fails with one clear line when the engine is not there, before Compose prints its own noise. */
export async function ensureEngine(s: Session): Promise<void> {
  if (!s.dryRun) await s.engine().ping();
}

/**
 * Runs a Compose command for the stack. A non-zero exit becomes an error with
 * Compose's last words (or, when its output went to the terminal, its exit
 * code); with `passthrough` (exec, logs) the exit code is the command's own.
 */
export async function runCompose(
  s: Session,
  args: string[],
  opts: { profiles?: string[]; inherit?: boolean; passthrough?: boolean; what?: string } = {},
): Promise<number> {
  const cmd = await s.compose(args, opts.profiles);
  const r = await s.runner.run(cmd, { stdio: opts.inherit ? 'inherit' : 'pipe' });
  if (r.code === 0 || opts.passthrough) return r.code;
  if (opts.inherit) throw new BerthError(`${opts.what ?? args[0]} failed for stack ${s.ref.name} (exit code ${r.code}); its output is above`);
  throw composeFailed(s, opts.what ?? args[0]!, r.stderr);
}

/**
 * A Compose command that failed: one line with its last words, its last lines
 * as details. An image that could not be pulled is said as such, with the ways
 * to point berth at another registry.
 */
export function composeFailed(s: Session, what: string, stderr: string, more = ''): BerthError {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const details = lines.slice(-15).map((l) => `  | ${l}`).join('\n');
  const pull = failedPull(stderr, s.manifest.services.map((x) => x.name));
  const svc = pull && s.manifest.services.find((x) => x.name === pull.service);
  if (pull && svc) {
    return new BerthError(
      `cannot pull ${svc.image} for service ${svc.name} of stack ${s.ref.name}: ${pull.reason}; check that the registry is reachable and you are logged in, or use another registry (--image ${svc.component}=<ref>, images: in stack.yaml or $BERTH_HOME/images.yaml) and regenerate`,
      { details },
    );
  }
  const last = lines.at(-1)?.replace(/^ERROR: /, '') ?? 'no output';
  return new BerthError(`${what} failed for stack ${s.ref.name}: ${last}${more}`, { details });
}

/**
 * The services a command was given: each a service of the stack, or a
 * stack.yaml service that made several (every instance of an app, every
 * scaled worker). Anything else is a usage error listing the names.
 */
export function expandServices(s: Session, names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const made = s.manifest.services.filter((x) => x.name === n || x.of === n);
    if (!made.length) {
      const known = [...new Set(s.manifest.services.flatMap((x) => (x.of ? [x.name, x.of] : [x.name])))].sort();
      throw new UsageError(`stack ${s.ref.name} has no service ${n}; its services: ${known.join(', ')}`);
    }
    for (const m of made) if (!out.includes(m.name)) out.push(m.name);
  }
  return out;
}

/** The service names a command was given must be services of the stack. */
export function checkServices(s: Session, names: string[]): void {
  expandServices(s, names);
}
