/**
 * One job an agent took: acknowledged under its lease, recorded as started
 * (so a restart never runs it again), run through the operations, its lines
 * sent back as they come (which also keeps the lease), and its end reported,
 * again and again until the server has it.
 */
import { BerthError, isBerthError } from '../errors.js';
import type { OpsDeps, OpsEvent } from '../ops/deps.js';
import { runAgentJob, type AgentJobRequest } from '../ops/agent-jobs.js';
import type { ServiceView } from '../engine/state.js';
import type { AgentState } from './state.js';
import { replyError, type Transport } from './transport.js';

export interface LeasedJob {
  job: { id: string; stack: string; action: string; params: Record<string, unknown> };
  leaseId: string;
}

export interface JobContext {
  transport: Transport;
  credential: string;
  state: AgentState;
  deps: OpsDeps;
  signal: AbortSignal;
  log(line: string): void;
  /** How often lines are sent (and the lease kept) while a job runs. */
  flushMs?: number;
}

const MAX_LINES = 2000;

export function eventLine(e: OpsEvent): string {
  if (e.type === 'command') return `$ ${e.line}`;
  if (e.type === 'warning') return `warning: ${e.message}`;
  if (e.type === 'waiting') return `waiting for ${e.holder} to finish with stack ${e.stack}`;
  return e.message;
}

const viewsLine = (views: ServiceView[]) => views.filter((v) => v.active).map((v) => `${v.name} ${v.state}`).join(', ');

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((r) => {
  const t = setTimeout(r, ms);
  signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
});

/**
 * Sends the end of a job until the server has it, or says the agent holds it
 * no more (true: nothing more to say). While the agent stops (`signal`), one
 * failed try gives up (false): the job stays recorded as started, and the
 * next start of the agent reports it.
 */
export async function reportEnd(c: Pick<JobContext, 'transport' | 'credential' | 'log'> & { signal?: AbortSignal }, id: string, leaseId: string, end: { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await c.transport.request('POST', `/api/v1/agent/jobs/${id}/result`, { bearer: c.credential, body: { leaseId, ...end } });
      if (r.status === 200) return true;
      if (r.status >= 400 && r.status < 500) {
        c.log(`job ${id}: the server did not take its end: ${replyError('result', r).message}`);
        return true;
      }
    } catch (e) {
      if (attempt % 10 === 0) c.log(`job ${id}: cannot reach the server to report its end (${(e as Error).message}); trying again`);
    }
    if (c.signal?.aborted) return false;
    await sleep(Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)), c.signal);
  }
}

/** Runs the job; whether it succeeded (undefined: it was not started). */
export async function runLeasedJob(c: JobContext, l: LeasedJob): Promise<boolean | undefined> {
  const { job, leaseId } = l;
  const ack = await c.transport.request('POST', `/api/v1/agent/jobs/${job.id}/ack`, { bearer: c.credential, body: { leaseId } });
  if (ack.status !== 200) {
    c.log(`job ${job.id}: not started: ${replyError('ack', ack).message}`);
    return undefined;
  }
  c.state.start({ id: job.id, leaseId, action: job.action, stack: job.stack });
  c.log(`job ${job.id}: ${job.action} of stack ${job.stack}`);
  let seq = 0;
  let pending: { seq: number; time: string; line: string }[] = [];
  const write = (line: string) => {
    if (++seq <= MAX_LINES) pending.push({ seq, time: new Date().toISOString(), line });
  };
  const flush = async () => {
    const lines = pending;
    pending = [];
    try {
      const r = await c.transport.request('POST', `/api/v1/agent/jobs/${job.id}/log`, { bearer: c.credential, body: { leaseId, lines } });
      if (r.status !== 204) c.log(`job ${job.id}: log lines refused: ${replyError('log', r).message}`);
    } catch {
      pending = [...lines, ...pending];
    }
  };
  let running = true;
  const flusher = (async () => {
    while (running) {
      await sleep(c.flushMs ?? 300);
      if (running) await flush();
    }
  })();
  let end: Parameters<typeof reportEnd>[3];
  try {
    write(`${job.action} of stack ${job.stack} started on this agent`);
    let last = '';
    const deps: OpsDeps = { ...c.deps, onEvent: (e) => write(eventLine(e)), signal: c.signal };
    const result = await runAgentJob(deps, { action: job.action, stack: job.stack, ...job.params } as AgentJobRequest, {
      onUpdate: (v) => {
        const line = viewsLine(v);
        if (line && line !== last) write((last = line));
      },
    });
    write(`${job.action} of stack ${job.stack} succeeded`);
    end = { ok: true, result };
  } catch (e) {
    const err = isBerthError(e) ? e : new BerthError((e as Error)?.message ?? String(e), { code: 'failed' });
    write(`error: ${err.message}`);
    for (const line of (err.details ?? '').split('\n').filter(Boolean)) write(line);
    end = { ok: false, error: { code: err.code, message: err.message } };
  }
  running = false;
  await flusher;
  await flush();
  if (await reportEnd(c, job.id, leaseId, end)) c.state.end(job.id);
  c.log(`job ${job.id}: ${end.ok ? 'succeeded' : `failed: ${end.error.message}`}`);
  return end.ok;
}
