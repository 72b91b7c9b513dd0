/**
 * Jobs a server ran or runs: a lifecycle action on a stack, who asked, its
 * state through time, what it returned or the error it ended with, and the
 * lines it logged on the way.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ErrorCode } from '../../errors.js';
import type { JobsTable, RecordsSchema } from './schema.js';

/** `leased`: handed to an agent, which has not acknowledged it yet; `cancelled`: stopped by someone before its end. */
export const JOB_STATES = ['queued', 'leased', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  stack: string;
  action: string;
  params: Record<string, unknown>;
  who: string;
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  error?: { code: ErrorCode; message: string };
  /** The agent that runs it (absent: the server runs it). */
  agent?: string;
  /** How many times it was handed to its agent. */
  attempts?: number;
}

export interface JobLogLine {
  seq: number;
  time: string;
  line: string;
}

export interface NewJob {
  id: string;
  stack: string;
  action: string;
  params: Record<string, unknown>;
  who: string;
  createdAt: string;
  agent?: string;
}

/** What changes when a job starts or ends. */
export type JobChange =
  | { state: 'running'; startedAt: string }
  | { state: 'succeeded'; finishedAt: string; result: unknown }
  | { state: 'failed' | 'cancelled'; finishedAt: string; error: { code: ErrorCode; message: string } };

export interface JobQuery {
  stack?: string;
  state?: JobState;
  agent?: string;
  /** Newest first; at most this many. */
  limit: number;
}

export const jobFromRow = (r: Selectable<JobsTable>): Job => ({
  id: r.id,
  stack: r.stack,
  action: r.action,
  params: JSON.parse(r.params) as Record<string, unknown>,
  who: r.who,
  state: r.state as JobState,
  createdAt: r.created_at,
  ...(r.started_at ? { startedAt: r.started_at } : {}),
  ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  ...(r.result !== null ? { result: JSON.parse(r.result) as unknown } : {}),
  ...(r.error_code ? { error: { code: r.error_code as ErrorCode, message: r.error_message ?? '' } } : {}),
  ...(r.agent_id ? { agent: r.agent_id, attempts: Number(r.attempts) } : {}),
});

export class JobStore {
  constructor(private readonly db: Kysely<RecordsSchema>) {}

  async create(j: NewJob): Promise<Job> {
    const row = { id: j.id, stack: j.stack, action: j.action, params: JSON.stringify(j.params), who: j.who, state: 'queued', created_at: j.createdAt };
    const lease = { agent_id: j.agent ?? null, lease_id: null, lease_until: null, attempts: 0 };
    await this.db.insertInto('jobs').values({ ...row, ...lease, started_at: null, finished_at: null, result: null, error_code: null, error_message: null }).execute();
    return { id: j.id, stack: j.stack, action: j.action, params: j.params, who: j.who, state: 'queued', createdAt: j.createdAt, ...(j.agent ? { agent: j.agent, attempts: 0 } : {}) };
  }

  async change(id: string, c: JobChange): Promise<void> {
    const set =
      c.state === 'running'
        ? { state: c.state, started_at: c.startedAt }
        : c.state === 'succeeded'
          ? { state: c.state, finished_at: c.finishedAt, result: JSON.stringify(c.result ?? null) }
          : { state: c.state, finished_at: c.finishedAt, error_code: c.error.code, error_message: c.error.message };
    await this.db.updateTable('jobs').set(set).where('id', '=', id).execute();
  }

  /**
   * A job not yet started (queued, or leased to an agent that has not
   * acknowledged it) ends as cancelled, in one conditional update so an agent
   * cannot start it meanwhile. Returns whether it was still waiting.
   */
  async cancelWaiting(id: string, finishedAt: string, who: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ state: 'cancelled', finished_at: finishedAt, error_code: 'cancelled', error_message: `cancelled by ${who} before it started` })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'leased'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async log(id: string, line: JobLogLine): Promise<void> {
    await this.db.insertInto('job_logs').values({ job_id: id, seq: line.seq, time: line.time, line: line.line }).execute();
  }

  /** The number of the job's last log line (0: none yet). */
  async lastSeq(id: string): Promise<number> {
    const r = await this.db.selectFrom('job_logs').select((eb) => eb.fn.max('seq').as('seq')).where('job_id', '=', id).executeTakeFirst();
    return Number(r?.seq ?? 0);
  }

  async get(id: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && jobFromRow(r);
  }

  /** A job's log lines in order; only those after line `afterSeq` when given (what a page following it lacks). */
  async logs(id: string, afterSeq = 0): Promise<JobLogLine[]> {
    const rows = await this.db.selectFrom('job_logs').select(['seq', 'time', 'line']).where('job_id', '=', id).where('seq', '>', afterSeq).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), time: r.time, line: r.line }));
  }

  async list(q: JobQuery): Promise<Job[]> {
    let query = this.db.selectFrom('jobs').selectAll();
    if (q.stack) query = query.where('stack', '=', q.stack);
    if (q.state) query = query.where('state', '=', q.state);
    if (q.agent) query = query.where('agent_id', '=', q.agent);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(jobFromRow);
  }

  /** How many jobs are in each state (every state listed, 0 when none). */
  async countByState(): Promise<Record<JobState, number>> {
    const rows = await this.db.selectFrom('jobs').select((eb) => ['state', eb.fn.countAll<string | number>().as('n')]).groupBy('state').execute();
    const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const r of rows) if ((JOB_STATES as readonly string[]).includes(r.state)) out[r.state as JobState] = Number(r.n);
    return out;
  }

  /**
   * Jobs a previous server process left queued or running end as failed: no
   * process runs them any more, and a job must not look alive forever. An
   * agent's jobs are not the server's to run: their leases decide.
   */
  async failAbandoned(finishedAt: string): Promise<number> {
    const r = await this.db
      .updateTable('jobs')
      .set({ state: 'failed', finished_at: finishedAt, error_code: 'failed', error_message: 'the server stopped while this job was queued or running; run it again' })
      .where('state', 'in', ['queued', 'running'])
      .where('agent_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
