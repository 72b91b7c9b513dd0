/**
 * An agent's jobs are handed out on leases. Taking one marks it `leased` with
 * a random lease id and a deadline to acknowledge it; the acknowledgement
 * makes it `running` with a deadline the agent pushes on while it reports.
 * A lease that runs out before the acknowledgement gives the job back to the
 * queue (the agent never started it), up to a number of attempts; one that
 * runs out after it fails the job: it may have run, and is never run twice.
 * Every step names the agent and the lease, so an agent moves only its own
 * jobs, and only under the lease it holds. Each step is one conditional
 * update: two takers cannot both win.
 */
import type { Kysely } from 'kysely';
import type { ErrorCode } from '../../errors.js';
import { jobFromRow, type Job } from './jobs.js';
import type { RecordsSchema } from './schema.js';

export interface LeaseTimes {
  now: string;
  /** Until when the lease holds without a further word from the agent. */
  until: string;
}

export type LeaseEnd =
  | { state: 'succeeded'; finishedAt: string; result: unknown }
  | { state: 'failed'; finishedAt: string; error: { code: ErrorCode; message: string } };

export interface Expired {
  requeued: Job[];
  failed: Job[];
}

export class LeaseStore {
  constructor(private readonly db: Kysely<RecordsSchema>) {}

  private async job(id: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && jobFromRow(r);
  }

  /** The agent's oldest queued job, now leased to it under `leaseId`; undefined when it has none. */
  async take(agentId: string, leaseId: string, t: LeaseTimes): Promise<Job | undefined> {
    for (;;) {
      const next = await this.db.selectFrom('jobs').select('id').where('agent_id', '=', agentId).where('state', '=', 'queued').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
      if (!next) return undefined;
      const r = await this.db
        .updateTable('jobs')
        .set((eb) => ({ state: 'leased', lease_id: leaseId, lease_until: t.until, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', next.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return this.job(next.id);
    }
  }

  /**
   * The agent has started the job: `running` until `t.until`. Saying it twice
   * (an answer lost on the way) is the same; anything else is false.
   */
  async ack(agentId: string, id: string, leaseId: string, t: LeaseTimes): Promise<Job | undefined> {
    const r = await this.db
      .updateTable('jobs')
      .set({ state: 'running', started_at: t.now, lease_until: t.until })
      .where('id', '=', id)
      .where('agent_id', '=', agentId)
      .where('lease_id', '=', leaseId)
      .where('state', '=', 'leased')
      .executeTakeFirst();
    const job = await this.job(id);
    if (Number(r.numUpdatedRows) === 1) return job;
    return job && job.agent === agentId && job.state === 'running' && (await this.holds(agentId, id, leaseId)) ? job : undefined;
  }

  private async holds(agentId: string, id: string, leaseId: string): Promise<boolean> {
    const r = await this.db.selectFrom('jobs').select('id').where('id', '=', id).where('agent_id', '=', agentId).where('lease_id', '=', leaseId).executeTakeFirst();
    return !!r;
  }

  /** Pushes the deadline of a running job on; false when the lease is not the agent's (or the job ended). */
  async extend(agentId: string, id: string, leaseId: string, until: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ lease_until: until })
      .where('id', '=', id)
      .where('agent_id', '=', agentId)
      .where('lease_id', '=', leaseId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Ends a running job the agent holds; false when it does not hold it (or it ended already). */
  async finish(agentId: string, id: string, leaseId: string, e: LeaseEnd): Promise<boolean> {
    const set =
      e.state === 'succeeded'
        ? { state: e.state, finished_at: e.finishedAt, result: JSON.stringify(e.result ?? null), lease_until: null }
        : { state: e.state, finished_at: e.finishedAt, error_code: e.error.code, error_message: e.error.message, lease_until: null };
    const r = await this.db
      .updateTable('jobs')
      .set(set)
      .where('id', '=', id)
      .where('agent_id', '=', agentId)
      .where('lease_id', '=', leaseId)
      .where('state', 'in', ['leased', 'running'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Fails every job of the agent that has not ended (it was revoked). */
  async failAll(agentId: string, finishedAt: string, message: string): Promise<Job[]> {
    const ids = await this.db.selectFrom('jobs').select('id').where('agent_id', '=', agentId).where('state', 'in', ['queued', 'leased', 'running']).execute();
    const out: Job[] = [];
    for (const { id } of ids) {
      const r = await this.db
        .updateTable('jobs')
        .set({ state: 'failed', finished_at: finishedAt, error_code: 'failed', error_message: message, lease_until: null })
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'leased', 'running'])
        .executeTakeFirst();
      const job = Number(r.numUpdatedRows) === 1 ? await this.job(id) : undefined;
      if (job) out.push(job);
    }
    return out;
  }

  /**
   * Leases that ran out by `now`: a job never acknowledged goes back to the
   * queue while it has attempts left, else fails; a started one fails.
   */
  async expire(now: string, maxAttempts: number): Promise<Expired> {
    const rows = await this.db.selectFrom('jobs').select(['id', 'state', 'attempts']).where('state', 'in', ['leased', 'running']).where('lease_until', '<', now).execute();
    const out: Expired = { requeued: [], failed: [] };
    for (const r of rows) {
      const retry = r.state === 'leased' && Number(r.attempts) < maxAttempts;
      const message =
        r.state === 'leased'
          ? `its agent took it ${Number(r.attempts)} time(s) and never acknowledged it; queue it again once the agent is back`
          : 'its agent stopped reporting on it while it ran (stopped or cut off); it is not run again by itself: check the stack on the agent, then queue it again';
      const set = retry
        ? { state: 'queued', lease_id: null, lease_until: null }
        : { state: 'failed', finished_at: now, error_code: 'failed', error_message: message, lease_until: null };
      const u = await this.db.updateTable('jobs').set(set).where('id', '=', r.id).where('state', '=', r.state).where('lease_until', '<', now).executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) continue;
      const job = await this.job(r.id);
      if (job) (retry ? out.requeued : out.failed).push(job);
    }
    return out;
  }
}
