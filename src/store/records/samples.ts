/**
 * A stack's state sampled through time while the server runs (state, ready
 * and active service counts), for the dashboard's health timeline. Samples
 * older than the server keeps are pruned by age.
 */
import type { Kysely } from 'kysely';
import type { RecordsSchema } from './schema.js';

export interface StackSample {
  stack: string;
  at: string;
  state: string;
  ready: number;
  active: number;
}

export class SampleStore {
  constructor(private readonly db: Kysely<RecordsSchema>) {}

  async add(samples: StackSample[]): Promise<void> {
    if (!samples.length) return;
    await this.db.insertInto('stack_samples').values(samples).execute();
  }

  /** One stack's samples from `since` on, oldest first. */
  async of(stack: string, since: string): Promise<StackSample[]> {
    const rows = await this.db.selectFrom('stack_samples').selectAll().where('stack', '=', stack).where('at', '>=', since).orderBy('at').execute();
    return rows.map((r) => ({ stack: r.stack, at: r.at, state: r.state, ready: Number(r.ready), active: Number(r.active) }));
  }

  /** Removes samples taken before `before`; how many. */
  async prune(before: string): Promise<number> {
    const r = await this.db.deleteFrom('stack_samples').where('at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
