/**
 * berth up: refuse what would go wrong (taken ports, missing or changed
 * secrets, a foreign network, shell overrides), have Compose create the
 * containers, then start them in dependency order as each dependency becomes
 * ready (engine/starter.ts), and wait until every service is healthy and
 * every job has exited 0. On failure or timeout, name the service, its state
 * and its last log lines.
 */
import { composeArgs } from '../engine/compose.js';
import { ensurePortsFree } from '../engine/ports.js';
import { Starter, startFailed } from '../engine/starter.js';
import { waitReady } from '../engine/wait.js';
import type { ServiceView } from '../engine/state.js';
import type { Manifest } from '../model/manifest.js';
import { composeFailed, runCompose, withStackLock, type Session } from './session.js';
import { forgetScaled, recordScaled } from './runtime-choices.js';
import { guardInitSecrets, mustHaveStoredSecrets, recordInitSecrets } from './init-secrets.js';
import { mustHaveSecretsFromEnv, mustOwnNetwork, parseVars, refuseEnvOverrides } from './up-checks.js';
import { UsageError } from '../errors.js';
import { notReady } from './up-failure.js';
import { loadSecretEnv, refuseUrlBreakers, unstoredValues } from './secret-env.js';
import { ensureBerthImage } from './image.js';
import { runsUnder } from '../resolve/profiles.js';
import { recordUp } from './local-release.js';

export { lastLogs } from './up-failure.js';

export interface UpOptions {
  wait: boolean;
  timeoutMs: number;
  build?: boolean;
  /** Only these services (and what they depend on). */
  services?: string[];
  scale?: Record<string, number>;
  noDeps?: boolean;
  /** Run-time choices of this up (--var, --profile): kept for later commands until the next up. Absent: keep the current ones. */
  choices?: { vars: Record<string, string>; profiles?: string[] };
  /** A new value for a secret that existing data was made with is the user's choice. */
  allowSecretChange?: boolean;
  /** Record a release of this machine's part (berth up of the whole stack, waiting for health). */
  release?: boolean;
  /** What preflight() returned, when the caller ran it already (restart, before stopping anything). */
  preflighted?: string[];
  onUpdate?(views: ServiceView[]): void;
}

export interface UpResult {
  views: ServiceView[];
  elapsedMs: number;
  /** Services in the order berth starts them: each group once the groups before it are ready. */
  order: string[][];
}

/**
 * The run-time choices of an up: `--var NAME=value` pairs (variables the
 * stack has) and `--profile` names (profiles its services have).
 */
export function runChoices(s: Session, vars: string[], profiles: string[] | undefined): NonNullable<UpOptions['choices']> {
  const unknown = profiles?.find((p) => !s.manifest.knownProfiles.includes(p));
  if (unknown) {
    const known = s.manifest.knownProfiles;
    throw new UsageError(`--profile: ${unknown} is not a profile of stack ${s.ref.name}; ${known.length ? `its profiles: ${known.join(', ')}` : 'it has none'}`);
  }
  return { vars: parseVars(s, vars), profiles };
}

export function upStack(s: Session, o: UpOptions): Promise<UpResult> {
  const release = o.release && o.wait && !s.dryRun && !o.services?.length;
  return withStackLock(s, 'up', () => (release ? recordUp(s, () => upLocked(s, o)) : upLocked(s, o)));
}

/** The services a start brings up: those named and what they depend on (unless noDeps), else every active one. */
export function targetsOf(m: Manifest, profiles: string[], services?: string[], noDeps?: boolean): Set<string> {
  if (!services?.length) return new Set(m.services.filter((x) => runsUnder(x.profiles, profiles)).map((x) => x.name));
  const out = new Set<string>();
  const byName = new Map(m.services.map((x) => [x.name, x]));
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    if (!noDeps) for (const d of Object.keys(byName.get(n)?.dependsOn ?? {})) add(d);
  };
  services.forEach(add);
  return out;
}

/** Start order in groups: a service comes after everything it depends on. */
export function startOrder(m: Manifest, targets: ReadonlySet<string>): string[][] {
  const left = m.services.filter((x) => targets.has(x.name));
  const done = new Set<string>();
  const groups: string[][] = [];
  while (left.length) {
    const next = left.filter((x) => Object.keys(x.dependsOn).every((d) => done.has(d) || !targets.has(d)));
    if (!next.length) break;
    groups.push(next.map((x) => x.name));
    for (const x of next) (done.add(x.name), left.splice(left.indexOf(x), 1));
  }
  return groups;
}

/** `up` for a caller that holds the stack's lock (restart, scale). */
export async function upLocked(s: Session, o: UpOptions): Promise<UpResult> {
  // Taken once the lock is held: exits of a run this command waited for are not this run's.
  const started = Date.now();
  if (o.choices) Object.assign(s, { vars: o.choices.vars, profiles: o.choices.profiles ?? s.manifest.profiles });
  // A service named on the command line runs even when its profile is not active (as Compose does).
  const named = s.manifest.services.filter((x) => o.services?.includes(x.name));
  const profiles = [...new Set([...s.profiles, ...named.flatMap((x) => x.profiles)])];
  const targets = targetsOf(s.manifest, profiles, o.services, o.noDeps);
  const order = startOrder(s.manifest, targets);
  const toRecord = s.dryRun ? [] : (o.preflighted ?? (await preflight(s, profiles, !!o.allowSecretChange)));
  if (!s.dryRun) recordChoices(s, o);
  if (o.build) await buildTargets(s, order, profiles);
  if (s.dryRun) {
    await createInOrder(s, order, profiles, o, () => undefined);
    s.deps.onEvent({ type: 'note', message: `then berth starts, each group once the one before is ready: ${order.map((g) => g.join(' ')).join(' -> ')}` });
    return { views: [], elapsedMs: 0, order };
  }
  // Berth starts the first containers while Compose is still creating the rest.
  const starter = new Starter(s.engine(), s.manifest, targets, o.noDeps);
  const creating = createInOrder(s, order, profiles, o, (group) => starter.allow(group));
  const failedCreate = new AbortController();
  let createError: Error | undefined;
  const created = creating.catch((e: Error) => void ((createError = e), failedCreate.abort()));
  try {
    const result = await waitReady({
      engine: s.engine(),
      manifest: s.manifest,
      profiles,
      services: o.services,
      timeoutMs: o.timeoutMs,
      onUpdate: (views) => o.onUpdate?.(o.services ? views.filter((v) => targets.has(v.name)) : views),
      starting: created,
      // The caller's signal too: a server's job that is cancelled, or the server stopping.
      signal: s.deps.signal ? AbortSignal.any([failedCreate.signal, s.deps.signal]) : failedCreate.signal,
      since: started,
      scaled: s.deps.store.runtime.read(s.ref.name).scale,
      starter,
      untilStarted: !o.wait,
    });
    await created;
    if (createError) throw createError;
    if (result.ok) return { views: result.views, elapsedMs: Date.now() - started, order };
    if (result.reason === 'start_failed' && starter.failure) throw startFailed(s.ref.name, starter.failure);
    const waiting = result.culprit && starter.waiting(result.views).get(result.culprit.name);
    throw await notReady(s, result, Date.now() - started, o.timeoutMs, waiting);
  } finally {
    await recordInitSecrets(s, toRecord);
  }
}

/** up --build: the images of the services that build, once, before any container is made. */
async function buildTargets(s: Session, order: string[][], profiles: string[]): Promise<void> {
  const buildable = order.flat().filter((n) => s.manifest.services.find((x) => x.name === n)?.build);
  if (buildable.length) await runCompose(s, composeArgs.build({ services: buildable }), { profiles, what: 'build' });
}

/**
 * Has Compose create the containers, one dependency level per command with
 * --no-deps: Compose (v1) would otherwise wait, while creating, for conditions
 * only a started stack can meet (a job that has exited). The first level
 * (networks, volumes, orphans) is created before the others, which are
 * created together. Resolves when all are created.
 */
async function createInOrder(s: Session, order: string[][], profiles: string[], o: UpOptions, created: (group: string[]) => void): Promise<void> {
  const scaleOf = (group: string[]) => (o.scale ? Object.fromEntries(Object.entries(o.scale).filter(([k]) => group.includes(k))) : undefined);
  const create = async (group: string[], first: boolean) => {
    const cmd = await s.compose(composeArgs.create({ services: group, scale: scaleOf(group), noDeps: true, removeOrphans: first }), profiles);
    const r = await s.runner.run(cmd);
    if (r.code !== 0) throw composeFailed(s, 'up', r.stderr);
    created(group);
  };
  const [head, ...rest] = order;
  if (head) await create(head, true);
  await Promise.all(rest.map((g) => create(g, false)));
}

/** Everything refused before anything starts; returns the secrets to fingerprint once their data exists. */
export async function preflight(s: Session, profiles: string[], allowSecretChange: boolean): Promise<string[]> {
  // One clear line when the engine is not there, before anything else asks it (or Compose prints its own trace).
  await s.engine().ping();
  await loadSecretEnv(s);
  mustHaveSecretsFromEnv(s);
  refuseUrlBreakers(s.manifest, unstoredValues(s));
  mustHaveStoredSecrets(s);
  refuseEnvOverrides(s);
  await mustOwnNetwork(s);
  await ensurePortsFree(s.engine(), s.manifest, profiles, !s.deps.onHost);
  await ensureBerthImage(s);
  return guardInitSecrets(s, allowSecretChange);
}

/** Compose puts what it starts back to the file's replicas unless told a scale; run-time choices last until the next up. */
function recordChoices(s: Session, o: UpOptions): void {
  const store = s.deps.store;
  if (o.scale) recordScaled(store, s.ref.name, o.scale);
  else forgetScaled(store, s.ref.name, o.services);
  if (o.choices) {
    const { vars, profiles } = o.choices;
    store.runtime.update(s.ref.name, (r) => ({ ...r, vars: Object.keys(vars).length ? vars : undefined, profiles }));
  }
}
