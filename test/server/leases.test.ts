/**
 * Agents' records on SQLite and on a real PostgreSQL server: enrollment
 * tokens spent once and only before they expire, agents and their
 * heartbeats, and the leases of their jobs: taken oldest first by their own
 * agent only, acknowledged under the lease, pushed on, ended, and swept when
 * they run out (back to the queue before the acknowledgement, failed after).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRecords, recordsLocation, type RecordsDb } from '../../src/store/records/db.js';
import { JobStore } from '../../src/store/records/jobs.js';
import { AgentStore } from '../../src/store/records/agents.js';
import { LeaseStore } from '../../src/store/records/leases.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const pgAdminUrl = inject('pgAdminUrl');
const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();

const backends = ['sqlite', ...(pgAdminUrl ? ['postgres'] : [])];

describe.each(backends)('agent records on %s', (backend) => {
  let records: RecordsDb;
  let dir = '';
  let pgDb: TestDatabase | undefined;
  let jobs: JobStore;
  let agents: AgentStore;
  let leases: LeaseStore;
  const queue = (id: string, agent: string, n: number) => jobs.create({ id, stack: 's', action: 'up', params: {}, who: 'x', createdAt: at(n), agent });

  beforeAll(async () => {
    if (backend === 'postgres') {
      pgDb = await freshDatabase(pgAdminUrl);
      records = await openRecords(recordsLocation({ DATABASE_URL: pgDb.url }, '/nonexistent'));
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-leases-'));
      records = await openRecords(recordsLocation({}, dir));
    }
    jobs = new JobStore(records.db);
    agents = new AgentStore(records.db);
    leases = new LeaseStore(records.db);
    for (const id of ['a1', 'a2']) await agents.create({ id, name: id, credentialHash: 'h', createdAt: at(0), enrolledFrom: '127.0.0.1', intervalMs: 5000 });
  });
  afterAll(async () => {
    await records?.close();
    await pgDb?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spends an enrollment token once, and never after it expired', async () => {
    await agents.addToken({ hash: 't1', createdAt: at(0), expiresAt: at(100), createdBy: 'x' });
    await agents.addToken({ hash: 't2', createdAt: at(0), expiresAt: at(10), createdBy: 'x' });
    expect(await agents.openTokens(at(5))).toHaveLength(2);
    expect(await agents.spendToken('t1', 'a1', at(5))).toBe(true);
    expect(await agents.spendToken('t1', 'a2', at(6))).toBe(false);
    expect(await agents.spendToken('t2', 'a2', at(10))).toBe(false);
    expect(await agents.spendToken('nope', 'a2', at(1))).toBe(false);
    expect(await agents.openTokens(at(5))).toHaveLength(1);
  });

  it('keeps heartbeats of agents that are not revoked', async () => {
    expect(await agents.heartbeat('a1', { at: at(7), intervalMs: 2000, facts: { cpus: 2 }, stacks: [{ name: 'web' }] })).toBe(true);
    expect(await agents.get('a1')).toMatchObject({ lastHeartbeat: at(7), intervalMs: 2000, facts: { cpus: 2 }, stacks: [{ name: 'web' }] });
    await agents.create({ id: 'gone', name: 'gone', credentialHash: 'h', createdAt: at(0), enrolledFrom: 'x', intervalMs: 5000 });
    expect(await agents.revoke('gone', at(8))).toBe(true);
    expect(await agents.revoke('gone', at(9))).toBe(false);
    expect(await agents.heartbeat('gone', { at: at(9), intervalMs: 2000, facts: {}, stacks: [] })).toBe(false);
  });

  it("hands an agent its own jobs, oldest first, and never another agent's", async () => {
    await queue('j1', 'a1', 1);
    await queue('j2', 'a1', 2);
    await queue('j3', 'a2', 3);
    const first = await leases.take('a1', 'L1', { now: at(10), until: at(20) });
    expect(first).toMatchObject({ id: 'j1', state: 'leased', agent: 'a1', attempts: 1 });
    expect(await leases.take('a2', 'L3', { now: at(10), until: at(20) })).toMatchObject({ id: 'j3' });
    expect(await leases.take('a2', 'L4', { now: at(10), until: at(20) })).toBeUndefined();
    // a2 cannot acknowledge, extend or end a1's job, even with its lease id.
    expect(await leases.ack('a2', 'j1', 'L1', { now: at(11), until: at(30) })).toBeUndefined();
    expect(await leases.finish('a2', 'j1', 'L1', { state: 'succeeded', finishedAt: at(11), result: {} })).toBe(false);
    expect(await leases.ack('a1', 'j1', 'wrong', { now: at(11), until: at(30) })).toBeUndefined();
  });

  it('acknowledges under the lease (twice is once), pushes it on, and ends the job', async () => {
    expect(await leases.ack('a1', 'j1', 'L1', { now: at(11), until: at(30) })).toMatchObject({ state: 'running', startedAt: at(11) });
    expect(await leases.ack('a1', 'j1', 'L1', { now: at(12), until: at(30) })).toMatchObject({ state: 'running', startedAt: at(11) });
    expect(await leases.extend('a1', 'j1', 'L1', at(40))).toBe(true);
    expect(await leases.extend('a1', 'j1', 'other', at(40))).toBe(false);
    expect(await leases.finish('a1', 'j1', 'L1', { state: 'succeeded', finishedAt: at(13), result: { ok: 1 } })).toBe(true);
    expect(await jobs.get('j1')).toMatchObject({ state: 'succeeded', result: { ok: 1 } });
    expect(await leases.finish('a1', 'j1', 'L1', { state: 'failed', finishedAt: at(14), error: { code: 'failed', message: 'x' } })).toBe(false);
  });

  it('gives an unacknowledged job back to the queue, up to its attempts, and fails a started one whose lease ran out', async () => {
    expect(await leases.take('a1', 'L2', { now: at(20), until: at(25) })).toMatchObject({ id: 'j2', attempts: 1 });
    const e1 = await leases.expire(at(26), 2);
    expect(e1.requeued.map((j) => j.id).sort()).toEqual(['j2', 'j3']);
    expect(e1.failed).toEqual([]);
    expect(await leases.take('a1', 'L2b', { now: at(27), until: at(28) })).toMatchObject({ id: 'j2', attempts: 2 });
    // The old lease opens nothing.
    expect(await leases.ack('a1', 'j2', 'L2', { now: at(27), until: at(40) })).toBeUndefined();
    expect((await leases.expire(at(29), 2)).failed.map((j) => j.id)).toEqual(['j2']);
    expect((await jobs.get('j2'))!.error!.message).toMatch(/never acknowledged/);

    await queue('j4', 'a1', 30);
    await leases.take('a1', 'L5', { now: at(31), until: at(35) });
    await leases.ack('a1', 'j4', 'L5', { now: at(32), until: at(40) });
    expect(await leases.expire(at(39), 3)).toEqual({ requeued: [], failed: [] });
    const e2 = await leases.expire(at(41), 3);
    expect(e2.failed.map((j) => j.id)).toEqual(['j4']);
    expect(e2.failed[0]!.error!.message).toMatch(/not run again/);
    expect(await leases.take('a1', 'L6', { now: at(42), until: at(50) })).toBeUndefined();
  });

  it("fails every job of a revoked agent that has not ended, and leaves the server's own jobs to the server", async () => {
    await queue('j5', 'a2', 50);
    await jobs.create({ id: 'own', stack: 's', action: 'up', params: {}, who: 'x', createdAt: at(51) });
    expect((await leases.failAll('a2', at(52), 'revoked')).map((j) => j.id).sort()).toEqual(['j3', 'j5']);
    expect(await jobs.failAbandoned(at(53))).toBe(1);
    expect(await jobs.get('own')).toMatchObject({ state: 'failed' });
  });
});
