/**
 * Dashboard sessions, kept server-side so that logging out or expiring really
 * ends one: a cookie whose row is gone opens nothing. Rows are keyed by a hash
 * of the session id, never the id itself, so reading the table gives no
 * cookie to replay.
 */
import type { Kysely } from 'kysely';
import type { RecordsSchema } from './schema.js';

export interface SessionRecord {
  /** The hash of the session id. */
  id: string;
  who: string;
  createdAt: string;
  expiresAt: string;
}

export class SessionStore {
  constructor(private readonly db: Kysely<RecordsSchema>) {}

  async create(s: SessionRecord): Promise<void> {
    await this.db.insertInto('sessions').values({ id: s.id, who: s.who, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
  }

  /** The session with this id hash, unless it has expired by `now`. */
  async get(id: string, now: string): Promise<SessionRecord | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
    return r && { id: r.id, who: r.who, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Removes every session expired by `now`; how many there were. */
  async deleteExpired(now: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
