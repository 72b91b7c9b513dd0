/** What berth says when a stack does not come up: the service, what happened to it, its last log lines. */
import { BerthError } from '../errors.js';
import { CRASH_RESTARTS, type WaitResult } from '../engine/wait.js';
import type { ServiceView } from '../engine/state.js';
import type { Session } from './session.js';

const LOG_LINES = 20;

type Failure = Extract<WaitResult, { ok: false }>;

/**
 * The last log lines of a service's (first failing) container, and what its
 * last health probe said: Docker's, or berth's own when Docker has not run one.
 */
export async function lastLogs(s: Session, view: ServiceView | undefined, lines = LOG_LINES, probes?: Failure['probes']): Promise<string> {
  const c = view?.containers.find((x) => x.state !== 'running' || x.health === 'unhealthy') ?? view?.containers[0];
  if (!c) return '';
  const engine = s.engine();
  const info = await engine.inspect(c.id).catch(() => undefined);
  // Lines of this run only: a job or a crashing service keeps the log of every earlier start.
  const since = info ? Math.floor(Date.parse(info.State.StartedAt) / 1000) : undefined;
  const text = await engine.logs(c.id, lines, since !== undefined && since > 0 ? since : undefined).catch(() => '');
  const out = [`${view!.name} (last ${lines} log lines):`, text.trimEnd() ? text.trimEnd().split('\n').map((l) => `  | ${l}`).join('\n') : '  (no log output)'];
  const docker = info?.State.Health?.Log?.at(-1);
  const own = probes?.get(c.id);
  const probe = docker ? { exit: String(docker.ExitCode), output: docker.Output } : own === 'timeout' ? { exit: 'none: timed out', output: '' } : own && { exit: String(own.exitCode), output: own.output };
  if (probe && probe.exit !== '0') {
    out.push(`last health probe (exit ${probe.exit}):`, ...(probe.output.trim() || '(no output)').split('\n').slice(-5).map((l) => `  | ${l}`));
  }
  return out.join('\n');
}


/** One line for why the wait ended; `waitingFor` names what a service that never started was waiting for. */
export function describeFailure(r: Failure, elapsedMs: number, timeoutMs: number, waitingFor?: string[]): string {
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
      if (waitingFor?.length) return `timed out after ${timeoutMs / 1000}s: ${v.name} was never started, waiting for ${waitingFor.join(', ')}`;
      return `timed out after ${timeoutMs / 1000}s waiting for ${v.name} (${v.state}${c?.health ? `, health ${c.health}` : ''})`;
    default:
      return `stopped waiting for ${v.name}`;
  }
}

/** The error for a wait that ended badly, with the culprit's last log lines; its path names the culprit (services.<name>). */
export async function notReady(s: Session, r: Failure, elapsedMs: number, timeoutMs: number, waitingFor?: string[]): Promise<BerthError> {
  const culprit = r.culprit && { details: await lastLogs(s, r.culprit, LOG_LINES, r.probes), path: `services.${r.culprit.name}` };
  return new BerthError(describeFailure(r, elapsedMs, timeoutMs, waitingFor), { code: 'not_ready', ...culprit });
}
