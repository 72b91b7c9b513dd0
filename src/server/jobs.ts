/**
 * Lifecycle actions asked through the API run as jobs: checked at once (a bad
 * stack or service is the caller's error, answered before anything is
 * queued), recorded, then run in the background through the operations, with
 * what they report kept as log lines and every change of state announced.
 * Two jobs on one stack take turns on its lock, as two CLI commands do.
 */
import { randomUUID } from 'node:crypto';
import { BerthError, isBerthError } from '../errors.js';
import type { OpsDeps, OpsEvent } from '../ops/deps.js';
import { checkAction, runAction, type StackAction } from '../ops/actions.js';
import type { ServiceView } from '../engine/state.js';
import type { Job, JobStore } from '../store/records/jobs.js';
import type { EventBus } from './events.js';

/** A job that logs more than this keeps its first lines and says how many more there were. */
const MAX_LOG_LINES = 2000;

function eventLine(e: OpsEvent): string {
  if (e.type === 'command') return `$ ${e.line}`;
  if (e.type === 'warning') return `warning: ${e.message}`;
  if (e.type === 'waiting') return `waiting for ${e.holder} to finish with stack ${e.stack}`;
  return e.message;
}

/** `postgres healthy, api starting (1/2)`: the services as an action waits for them. */
function viewsLine(views: ServiceView[]): string {
  return views
    .filter((v) => v.active)
    .map((v) => `${v.name} ${v.state}${v.containers.length > 1 ? ` (${v.containers.length} replicas)` : ''}`)
    .join(', ');
}

export interface JobRunnerOptions {
  store: JobStore;
  deps: OpsDeps;
  bus: EventBus;
  now?: () => Date;
  log?: (line: string) => void;
  /** The stack this server runs in: no job changes it (the server would stop or replace itself mid-job). */
  ownStack?: string;
}

export class JobRunner {
  /** Jobs running here, by id: their end, the signal their operation watches, and who cancelled them. */
  private readonly running = new Map<string, { done: Promise<void>; ctrl: AbortController; by?: string }>();
  private readonly stop = new AbortController();
  constructor(private readonly o: JobRunnerOptions) {}

  private now(): string {
    return (this.o.now?.() ?? new Date()).toISOString();
  }

  /** Checks the action, records the job, and starts it; resolves to the job as queued. */
  async start(stack: string, action: StackAction, who: string): Promise<Job> {
    refuseOwnStack(stack, this.o.ownStack, action.action);
    const checked = checkAction(this.o.deps, stack, action);
    const { action: name, ...params } = checked;
    const job = await this.o.store.create({ id: randomUUID(), stack, action: name, params, who, createdAt: this.now() });
    this.o.bus.emit({ type: 'job', job });
    const entry = { done: Promise.resolve(), ctrl: new AbortController() };
    this.running.set(job.id, entry);
    entry.done = this.run(job, checked).finally(() => this.running.delete(job.id));
    return job;
  }

  private async run(job: Job, action: StackAction): Promise<void> {
    const { store, bus } = this.o;
    let seq = 0;
    let written = Promise.resolve();
    const write = (line: string) => {
      seq++;
      if (seq > MAX_LOG_LINES + 1) return;
      const entry = { seq, time: this.now(), line: seq > MAX_LOG_LINES ? `(more lines left out: a job keeps its first ${MAX_LOG_LINES})` : line };
      written = written.then(() => store.log(job.id, entry)).catch((e: Error) => this.o.log?.(`job ${job.id}: cannot record a log line: ${e.message}`));
      bus.emit({ type: 'job.log', id: job.id, ...entry });
    };
    const change = async (c: Parameters<JobStore['change']>[1]) => {
      await store.change(job.id, c);
      Object.assign(job, c);
      bus.emit({ type: 'job', job: { ...job } });
    };
    let lastViews = '';
    const onUpdate = (views: ServiceView[]) => {
      const line = viewsLine(views);
      if (line && line !== lastViews) write((lastViews = line));
    };
    try {
      await change({ state: 'running', startedAt: this.now() });
      write(`${job.action} of stack ${job.stack} started by ${job.who}`);
      const cancel = this.running.get(job.id)!;
      const deps: OpsDeps = { ...this.o.deps, onEvent: (e) => write(eventLine(e)), signal: AbortSignal.any([this.stop.signal, cancel.ctrl.signal]) };
      const result = await runAction(deps, job.stack, action, { onUpdate });
      write(`${job.action} of stack ${job.stack} succeeded`);
      await written;
      await change({ state: 'succeeded', finishedAt: this.now(), result });
    } catch (e) {
      const by = this.running.get(job.id)?.by;
      const err = by ? new BerthError(`cancelled by ${by}`, { code: 'cancelled' }) : isBerthError(e) ? e : new BerthError((e as Error)?.message ?? String(e), { code: 'failed' });
      if (by) write(`stopped where it was: ${(e as Error)?.message ?? String(e)}`);
      write(`error: ${err.message}`);
      for (const l of (err.details ?? '').split('\n').filter(Boolean)) write(l);
      await written;
      await change({ state: by ? 'cancelled' : 'failed', finishedAt: this.now(), error: { code: err.code, message: err.message } }).catch((x: Error) => this.o.log?.(`job ${job.id}: cannot record its end: ${x.message}`));
    }
  }

  /**
   * Stops a job this server runs: its operation stops waiting (for health, a
   * lock) and the job ends as cancelled; what it already did stays done.
   * Returns false when the job is not running here.
   */
  cancel(id: string, who: string): boolean {
    const c = this.running.get(id);
    if (!c) return false;
    c.by ??= who;
    c.ctrl.abort(new BerthError(`cancelled by ${who}`, { code: 'cancelled' }));
    return true;
  }

  /** Resolves when every job started so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((j) => j.done));
  }

  /** Asks running jobs to stop waiting (health, locks) and waits for them to end. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }
}

/** A server does not change the stack it runs in: a down or a restart would end it mid-job, a regenerate replace it. */
export function refuseOwnStack(stack: string, own: string | undefined, what: string): void {
  if (stack !== own) return;
  throw new BerthError(`${stack}: is the stack this server runs in, which it cannot ${what} under itself; run berth ${what} ${stack} on its host`, { code: 'conflict' });
}
