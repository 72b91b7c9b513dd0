/**
 * Enrolled agents and the one-time tokens they enroll with. Neither a token
 * nor a credential is kept: only their SHA-256 (both are 32 random bytes, so
 * a hash is as good as a password hash and can be looked up). A token is
 * spent by one conditional update, so two agents racing for it cannot both
 * win, on SQLite or PostgreSQL.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AgentsTable, RecordsSchema } from './schema.js';

export interface AgentRecord {
  id: string;
  name: string;
  credentialHash: string;
  createdAt: string;
  enrolledFrom: string;
  intervalMs: number;
  lastHeartbeat?: string;
  facts?: Record<string, unknown>;
  stacks?: unknown[];
  revokedAt?: string;
}

export interface NewEnrollmentToken {
  /** SHA-256 of the token. */
  hash: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
}

export interface Heartbeat {
  at: string;
  intervalMs: number;
  facts: Record<string, unknown>;
  stacks: unknown[];
}

const fromRow = (r: Selectable<AgentsTable>): AgentRecord => ({
  id: r.id,
  name: r.name,
  credentialHash: r.credential_hash,
  createdAt: r.created_at,
  enrolledFrom: r.enrolled_from,
  intervalMs: Number(r.interval_ms),
  ...(r.last_heartbeat ? { lastHeartbeat: r.last_heartbeat } : {}),
  ...(r.facts ? { facts: JSON.parse(r.facts) as Record<string, unknown> } : {}),
  ...(r.stacks ? { stacks: JSON.parse(r.stacks) as unknown[] } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

export class AgentStore {
  constructor(private readonly db: Kysely<RecordsSchema>) {}

  async addToken(t: NewEnrollmentToken): Promise<void> {
    await this.db.insertInto('enrollment_tokens').values({ id: t.hash, created_at: t.createdAt, expires_at: t.expiresAt, created_by: t.createdBy, used_at: null, agent_id: null }).execute();
  }

  /** Spends the token with this hash for `agentId`, unless it was spent already or expired by `now`; whether it was. */
  async spendToken(hash: string, agentId: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('enrollment_tokens')
      .set({ used_at: now, agent_id: agentId })
      .where('id', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Enrollment tokens not yet spent nor expired by `now` (their hashes only). */
  async openTokens(now: string): Promise<{ createdAt: string; expiresAt: string; createdBy: string }[]> {
    const rows = await this.db.selectFrom('enrollment_tokens').select(['created_at', 'expires_at', 'created_by']).where('used_at', 'is', null).where('expires_at', '>', now).orderBy('created_at').execute();
    return rows.map((r) => ({ createdAt: r.created_at, expiresAt: r.expires_at, createdBy: r.created_by }));
  }

  async create(a: Pick<AgentRecord, 'id' | 'name' | 'credentialHash' | 'createdAt' | 'enrolledFrom' | 'intervalMs'>): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({ id: a.id, name: a.name, credential_hash: a.credentialHash, created_at: a.createdAt, enrolled_from: a.enrolledFrom, interval_ms: a.intervalMs, last_heartbeat: null, facts: null, stacks: null, revoked_at: null })
      .execute();
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const r = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return r && fromRow(r);
  }

  /** Every agent, revoked ones too, by name. */
  async list(): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom('agents').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Records a heartbeat of an agent that is not revoked; whether there was one. */
  async heartbeat(id: string, h: Heartbeat): Promise<boolean> {
    const r = await this.db
      .updateTable('agents')
      .set({ last_heartbeat: h.at, interval_ms: h.intervalMs, facts: JSON.stringify(h.facts), stacks: JSON.stringify(h.stacks) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Revokes the agent; whether it was enrolled and not revoked before. */
  async revoke(id: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('agents').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
