/**
 * berth's readiness view of a Swarm stack: each service's tasks running (a
 * task with a health check runs only once healthy) as many as it asks for,
 * a job's task complete, no rolling update under way; an update that Swarm
 * rolled back, or paused, is a failure naming the service. Updates that
 * began before this deploy are not its own and are ignored.
 */
import { BerthError } from '../errors.js';
import type { Runner } from '../engine/runner.js';
import { serviceLogs, stackServices, stackTasks, type SwarmService, type SwarmTask } from '../engine/swarm.js';
import type { OpsDeps } from './deps.js';

export interface SwarmWaitOptions {
  timeoutMs: number;
  /** Each service's update start before this deploy (a status that has not changed since is not this deploy's). */
  before: Map<string, string>;
  say?(message: string): void;
}

export type Verdict = { done: true } | { done: false; failed?: string; why: string };

/** A service's failed tasks of its current image in a row before berth calls it failing (Swarm would go on restarting it). */
const FAILS = 3;

export function verdict(sv: SwarmService, tasks: SwarmTask[], before: Map<string, string>): Verdict {
  const update = sv.update && sv.update.startedAt !== before.get(sv.name) ? sv.update : undefined;
  if (update?.state === 'rollback_completed') return { done: false, failed: 'rolled-back', why: `failed its rolling update and Swarm rolled it back (${update.message})` };
  if (update?.state === 'paused' || update?.state === 'rollback_paused') return { done: false, failed: 'paused', why: `stopped its update: Swarm paused it (${update.message})` };
  if (update && update.state !== 'completed') return { done: false, why: `update ${update.state.replace('_', ' ')}` };
  const own = tasks.filter((t) => t.service === sv.name && t.image === sv.image);
  if (sv.role === 'job') {
    if (own.some((t) => t.state === 'complete')) return { done: true };
    const last = own[0];
    if (last && ['failed', 'rejected'].includes(last.state)) return { done: false, failed: 'failed', why: `(a job) failed: ${last.error || last.state}` };
    return { done: false, why: last ? last.state : 'no task yet' };
  }
  const running = own.filter((t) => t.desired === 'running' && t.state === 'running').length;
  if (running >= sv.replicas) return { done: true };
  const failedTasks = own.filter((t) => ['failed', 'rejected'].includes(t.state));
  if (failedTasks.length >= FAILS) return { done: false, failed: 'failed', why: `keeps failing: ${failedTasks[0]!.error || failedTasks[0]!.state}` };
  return { done: false, why: `${running}/${sv.replicas} running and healthy` };
}

/** Each service's update start as it is now. */
export async function updateMarks(runner: Runner, project: string): Promise<Map<string, string>> {
  return new Map((await stackServices(runner, project)).map((s) => [s.name, s.update?.startedAt ?? '']));
}

/**
 * Waits until every service named is ready; a failure (or the timeout) is an
 * error naming the service, its state and its last log lines, with
 * its kind (rolled-back: Swarm undid the update itself).
 */
export async function waitSwarm(deps: OpsDeps, runner: Runner, project: string, services: string[], o: SwarmWaitOptions): Promise<void> {
  const deadline = deps.now() + o.timeoutMs;
  let last = '';
  for (;;) {
    const [svcs, tasks] = await Promise.all([stackServices(runner, project), stackTasks(runner, project)]);
    const pending: { name: string; v: Verdict & { done: false } }[] = [];
    for (const name of services) {
      const sv = svcs.find((x) => x.name === name);
      const v: Verdict = sv ? verdict(sv, tasks, o.before) : { done: false, failed: 'failed', why: "is not in Swarm's stack" };
      if (!v.done) pending.push({ name, v });
    }
    const failure = pending.find((p) => p.v.failed);
    if (failure) throw await failed(runner, project, failure.name, failure.v.why, failure.v.failed!);
    if (!pending.length) return;
    const now = pending.map((p) => `${p.name} ${p.v.why}`).join(', ');
    if (now !== last) o.say?.(`waiting: ${now}`);
    last = now;
    if (deps.now() > deadline) throw await failed(runner, project, pending[0]!.name, `was not ready in ${Math.round(o.timeoutMs / 1000)} s (${pending[0]!.v.why})`, 'timeout');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A service that did not become ready, and whether Swarm already put its previous version back. */
export class SwarmFailure extends BerthError {
  constructor(
    message: string,
    readonly service: string,
    readonly kind: string,
    logs: string,
  ) {
    super(message, { code: 'not_ready', path: `services.${service}`, ...(logs ? { details: `last lines of ${service}:\n${logs}` } : {}) });
  }
}

async function failed(runner: Runner, project: string, service: string, why: string, kind: string): Promise<SwarmFailure> {
  const logs = await serviceLogs(runner, project, service).catch(() => '');
  return new SwarmFailure(`service ${service} ${why}`, service, kind, logs);
}
