/**
 * berth up: refuse taken ports, start the stack with its profiles, and wait
 * until every service is healthy and every job has exited 0. On failure or
 * timeout, name the service, its state and its last log lines.
 */
import { BerthError } from '../errors.js';
import { failedPull } from '../engine/compose-output.js';
import { composeArgs } from '../engine/compose.js';
import { ensurePortsFree } from '../engine/ports.js';
import { CRASH_RESTARTS, waitReady, type WaitResult } from '../engine/wait.js';
import type { ServiceView } from '../engine/state.js';
import { composeFailed, withStackLock, type Session } from './session.js';
import { forgetScaled, readScaled, recordScaled } from '../store/runtime.js';

export interface UpOptions {
  wait: boolean;
  timeoutMs: number;
  build?: boolean;
  /** Only these services (and what they depend on). */
  services?: string[];
  scale?: Record<string, number>;
  noDeps?: boolean;
  onUpdate?(views: ServiceView[]): void;
  onWait?(holder: string): void;
}

export interface UpResult {
  views: ServiceView[];
  elapsedMs: number;
}

const LOG_LINES = 20;

/** The last log lines of a service's (first failing) container, and what its last health probe said. */
export async function lastLogs(s: Session, view: ServiceView | undefined, lines = LOG_LINES): Promise<string> {
  const c = view?.containers.find((x) => x.state !== 'running' || x.health === 'unhealthy') ?? view?.containers[0];
  if (!c) return '';
  const engine = s.engine();
  const info = await engine.inspect(c.id).catch(() => undefined);
  // Lines of this run only: a job or a crashing service keeps the log of every earlier start.
  const since = info ? Math.floor(Date.parse(info.State.StartedAt) / 1000) : undefined;
  const text = await engine.logs(c.id, lines, since !== undefined && since > 0 ? since : undefined).catch(() => '');
  const out = [`${view!.name} (last ${lines} log lines):`, text.trimEnd() ? text.trimEnd().split('\n').map((l) => `  | ${l}`).join('\n') : '  (no log output)'];
  const probe = info?.State.Health?.Log?.at(-1);
  if (probe && probe.ExitCode !== 0) {
    out.push(`last health probe (exit ${probe.ExitCode}):`, ...(probe.Output.trim() || '(no output)').split('\n').slice(-5).map((l) => `  | ${l}`));
  }
  return out.join('\n');
}

function describeFailure(r: Extract<WaitResult, { ok: false }>, elapsedMs: number, timeoutMs: number): string {
  const v = r.culprit;
  const secs = (elapsedMs / 1000).toFixed(1);
  if (!v) return `the stack did not become ready within ${timeoutMs / 1000}s`;
  const c = v.containers[0];
  switch (r.reason) {
    case 'failed':
      return v.role === 'job'
        ? `job ${v.name} failed (exit code ${c?.exitCode ?? '?'}) after ${secs}s; the services it gates were not started`
        : `service ${v.name} exited (exit code ${c?.exitCode ?? '?'}) after ${secs}s`;
    case 'unhealthy':
      return `service ${v.name} is unhealthy after ${secs}s: its healthcheck keeps failing`;
    case 'crashloop':
      return `service ${v.name} keeps crashing (restarted ${CRASH_RESTARTS}+ times${c?.exitCode !== undefined ? `, last exit code ${c.exitCode}` : ''}) after ${secs}s`;
    case 'timeout':
      return `timed out after ${timeoutMs / 1000}s waiting for ${v.name} (${v.state}${c?.health ? `, health ${c.health}` : ''})`;
    default:
      return `stopped waiting for ${v.name}`;
  }
}

/** Secrets stack.yaml reads from the environment must be there, or Compose would start services with blank ones. */
function mustHaveSecretsFromEnv(s: Session): void {
  const missing = (s.manifest.secretsFromEnv ?? []).filter((n) => !s.ctx.io.env[n]);
  if (missing.length) {
    const list = missing.join(', ');
    throw new BerthError(`${list} ${missing.length > 1 ? 'are' : 'is'} not set: stack ${s.ref.name} reads ${missing.length > 1 ? 'them' : 'it'} from the environment (secretsFromEnv); export ${missing.length > 1 ? 'them' : 'it'} first, e.g. ${missing[0]}=$(your-secret-manager read ...) berth up ${s.ref.name}`);
  }
}

export function upStack(s: Session, o: UpOptions): Promise<UpResult> {
  return withStackLock(s, 'up', () => upLocked(s, o), o.onWait);
}

/** `up` for a caller that holds the stack's lock (restart). */
export async function upLocked(s: Session, o: UpOptions): Promise<UpResult> {
  // Taken once the lock is held: exits of a run this command waited for are not this run's.
  const started = Date.now();
  // A service named on the command line runs even when its profile is not active (as Compose does).
  const named = s.manifest.services.filter((x) => o.services?.includes(x.name));
  const profiles = [...new Set([...s.manifest.profiles, ...named.flatMap((x) => x.profiles)])];
  if (!s.dryRun) {
    mustHaveSecretsFromEnv(s);
    await ensurePortsFree(s.engine(), s.manifest, profiles);
  }
  const cmd = await s.compose(composeArgs.up({ build: o.build, services: o.services, scale: o.scale, noDeps: o.noDeps }), profiles);
  // Compose puts what it starts back to the file's replicas, unless told a scale.
  const home = s.ctx.home;
  if (!s.dryRun) {
    if (o.scale) recordScaled(home, s.ref.name, o.scale);
    else forgetScaled(home, s.ref.name, o.services);
  }
  const scaled = readScaled(home, s.ref.name);
  const abort = new AbortController();
  const starting = s.runner.run(cmd, { signal: abort.signal });
  if (!o.wait || s.dryRun) {
    const r = await starting;
    if (r.code !== 0) throw composeFailed(s, 'up', r.stderr);
    return { views: [], elapsedMs: Date.now() - started };
  }
  let composeFailure: string | undefined;
  const startDone = starting.then((r) => {
    if (r.code !== 0 && !abort.signal.aborted) composeFailure = r.stderr;
  });
  const stopOnComposeFailure = new AbortController();
  void startDone.then(() => composeFailure !== undefined && stopOnComposeFailure.abort());
  const result = await waitReady({
    engine: s.engine(),
    manifest: s.manifest,
    profiles,
    services: o.services,
    timeoutMs: o.timeoutMs,
    onUpdate: (views) => o.onUpdate?.(o.services ? views.filter((v) => o.services!.includes(v.name)) : views),
    starting: startDone,
    signal: stopOnComposeFailure.signal,
    since: started,
    scaled,
  });
  if (!result.ok) {
    abort.abort();
    await startDone;
    if (result.reason === 'aborted' && composeFailure !== undefined) {
      // Compose gave up first (v1 refuses to start dependants of an unhealthy or failed service): find who.
      const pulling = failedPull(composeFailure, s.manifest.services.map((x) => x.name));
      const again = pulling ? undefined : await waitReady({ engine: s.engine(), manifest: s.manifest, profiles, services: o.services, timeoutMs: 0, since: started, scaled });
      const culprit = again && !again.ok ? again.culprit : undefined;
      const err = composeFailed(s, 'up', composeFailure, culprit ? `; ${culprit.name} is ${culprit.state}` : '');
      throw culprit ? new BerthError(err.message, { details: await lastLogs(s, culprit) }) : err;
    }
    const msg = describeFailure(result, Date.now() - started, o.timeoutMs);
    throw new BerthError(msg, { details: result.culprit ? await lastLogs(s, result.culprit) : undefined });
  }
  await startDone;
  if (composeFailure !== undefined) throw composeFailed(s, 'up', composeFailure);
  return { views: result.views, elapsedMs: Date.now() - started };
}
