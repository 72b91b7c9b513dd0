/**
 * The server's records, the same suite on SQLite (a temp file) and on a real
 * PostgreSQL server: migrations, jobs through their life, their log lines,
 * counts, and what a restart finds left over; dashboard sessions until they
 * end or expire; stack state samples by time, pruned by age.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { openRecords, recordsLocation, redactUrl, type RecordsDb, type RecordsLocation } from '../../src/store/records/db.js';
import { MIGRATION_NAMES } from '../../src/store/records/migrations.js';
import { JobStore } from '../../src/store/records/jobs.js';
import { SessionStore } from '../../src/store/records/sessions.js';
import { SampleStore } from '../../src/store/records/samples.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const pgAdminUrl = inject('pgAdminUrl');

interface Backend {
  name: string;
  location(): Promise<RecordsLocation>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = '';
  return {
    name: 'sqlite',
    async location() {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-records-'));
      return recordsLocation({}, dir);
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  let db: TestDatabase | undefined;
  return {
    name: 'postgres',
    async location() {
      db = await freshDatabase(pgAdminUrl);
      return recordsLocation({ DATABASE_URL: db.url }, '/nonexistent');
    },
    async cleanup() {
      await db?.drop();
    },
  };
}

const backends = [sqliteBackend(), ...(pgAdminUrl ? [postgresBackend()] : [])];

const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();

describe.each(backends)('records on $name', (backend) => {
  let loc: RecordsLocation;
  let records: RecordsDb;
  let jobs: JobStore;
  beforeAll(async () => {
    loc = await backend.location();
    records = await openRecords(loc);
    jobs = new JobStore(records.db);
  });
  afterAll(async () => {
    await records?.close();
    await backend.cleanup();
  });

  it('applies every migration at the first open, and none at the next', async () => {
    expect(records.kind).toBe(backend.name);
    expect(records.migrated).toEqual(MIGRATION_NAMES);
    const again = await openRecords(loc);
    expect(again.migrated).toEqual([]);
    await again.close();
    await records.ping();
  });

  it('keeps a job through its life: queued, running, succeeded with a result', async () => {
    const created = await jobs.create({ id: 'j-1', stack: 'prod', action: 'up', params: { services: ['api'] }, who: 'token@127.0.0.1', createdAt: at(1) });
    expect(created.state).toBe('queued');
    expect(await jobs.get('j-1')).toEqual({ id: 'j-1', stack: 'prod', action: 'up', params: { services: ['api'] }, who: 'token@127.0.0.1', state: 'queued', createdAt: at(1) });
    await jobs.change('j-1', { state: 'running', startedAt: at(2) });
    await jobs.change('j-1', { state: 'succeeded', finishedAt: at(3), result: { ready: true, services: [{ name: 'api' }] } });
    expect(await jobs.get('j-1')).toMatchObject({ state: 'succeeded', startedAt: at(2), finishedAt: at(3), result: { ready: true, services: [{ name: 'api' }] } });
    expect((await jobs.get('j-1'))!.error).toBeUndefined();
  });

  it('keeps the error code and message of a failed job', async () => {
    await jobs.create({ id: 'j-2', stack: 'prod', action: 'down', params: {}, who: 'x', createdAt: at(4) });
    await jobs.change('j-2', { state: 'failed', finishedAt: at(5), error: { code: 'engine_unreachable', message: 'cannot reach the Docker engine' } });
    expect(await jobs.get('j-2')).toMatchObject({ state: 'failed', error: { code: 'engine_unreachable', message: 'cannot reach the Docker engine' } });
    expect(await jobs.get('nope')).toBeUndefined();
  });

  it('keeps log lines in order, with their text as given', async () => {
    const lines = ['starting', 'postgres: healthy', 'unicode ✓ and "quotes"\n', 'x'.repeat(10_000)];
    for (const [i, line] of lines.entries()) await jobs.log('j-1', { seq: i + 1, time: at(10 + i), line });
    expect((await jobs.logs('j-1')).map((l) => l.line)).toEqual(lines);
    expect((await jobs.logs('j-1')).map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect((await jobs.logs('j-1', 2)).map((l) => l.seq)).toEqual([3, 4]);
    expect(await jobs.logs('j-2')).toEqual([]);
    await expect(jobs.log('j-1', { seq: 1, time: at(20), line: 'twice' })).rejects.toThrow();
  });

  it('lists jobs newest first, by stack and state, within a limit', async () => {
    await jobs.create({ id: 'j-3', stack: 'other', action: 'restart', params: {}, who: 'x', createdAt: at(6) });
    expect((await jobs.list({ limit: 10 })).map((j) => j.id)).toEqual(['j-3', 'j-2', 'j-1']);
    expect((await jobs.list({ limit: 2 })).map((j) => j.id)).toEqual(['j-3', 'j-2']);
    expect((await jobs.list({ limit: 10, stack: 'prod' })).map((j) => j.id)).toEqual(['j-2', 'j-1']);
    expect((await jobs.list({ limit: 10, state: 'queued' })).map((j) => j.id)).toEqual(['j-3']);
    expect(await jobs.countByState()).toEqual({ queued: 1, leased: 0, running: 0, succeeded: 1, failed: 1, cancelled: 0 });
  });

  it('fails the jobs a stopped server left queued or running, and only those', async () => {
    await jobs.create({ id: 'j-4', stack: 'prod', action: 'up', params: {}, who: 'x', createdAt: at(7) });
    await jobs.change('j-4', { state: 'running', startedAt: at(8) });
    expect(await jobs.failAbandoned(at(9))).toBe(2);
    expect(await jobs.get('j-4')).toMatchObject({ state: 'failed', finishedAt: at(9), error: { code: 'failed' } });
    expect(await jobs.get('j-1')).toMatchObject({ state: 'succeeded' });
    expect(await jobs.failAbandoned(at(9))).toBe(0);
  });

  it('keeps a session until it is deleted or expires, and prunes the expired', async () => {
    const sessions = new SessionStore(records.db);
    await sessions.create({ id: 'h-1', who: '127.0.0.1', createdAt: at(1), expiresAt: at(10) });
    await sessions.create({ id: 'h-2', who: '10.0.0.2', createdAt: at(1), expiresAt: at(20) });
    expect(await sessions.get('h-1', at(5))).toEqual({ id: 'h-1', who: '127.0.0.1', createdAt: at(1), expiresAt: at(10) });
    expect(await sessions.get('h-1', at(10))).toBeUndefined();
    expect(await sessions.get('nope', at(5))).toBeUndefined();
    expect(await sessions.deleteExpired(at(15))).toBe(1);
    expect(await sessions.get('h-2', at(15))).toMatchObject({ who: '10.0.0.2' });
    await sessions.delete('h-2');
    expect(await sessions.get('h-2', at(15))).toBeUndefined();
  });

  it('keeps stack samples by time, and prunes them by age', async () => {
    const samples = new SampleStore(records.db);
    await samples.add([
      { stack: 'prod', at: at(1), state: 'running', ready: 3, active: 3 },
      { stack: 'other', at: at(1), state: 'stopped', ready: 0, active: 2 },
      { stack: 'prod', at: at(2), state: 'degraded', ready: 2, active: 3 },
    ]);
    await samples.add([]);
    expect(await samples.of('prod', at(0))).toEqual([
      { stack: 'prod', at: at(1), state: 'running', ready: 3, active: 3 },
      { stack: 'prod', at: at(2), state: 'degraded', ready: 2, active: 3 },
    ]);
    expect((await samples.of('prod', at(2))).map((x) => x.state)).toEqual(['degraded']);
    expect(await samples.prune(at(2))).toBe(2);
    expect(await samples.of('other', at(0))).toEqual([]);
  });

  it('refuses a database a newer berth migrated', async () => {
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', ${at(30)})`.execute(records.db);
    await expect(openRecords(loc)).rejects.toMatchObject({ code: 'damaged', message: expect.stringContaining('9999_from_the_future') });
    await sql`delete from kysely_migration where name = '9999_from_the_future'`.execute(records.db);
  });
});

describe('where records are kept', () => {
  it('is SQLite in the data folder without DATABASE_URL, at mode 0600', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-records-'));
    try {
      const loc = recordsLocation({ DATABASE_URL: ' ' }, path.join(dir, 'data'));
      expect(loc).toEqual({ kind: 'sqlite', file: path.join(dir, 'data', 'berth.db') });
      const r = await openRecords(loc);
      await r.close();
      expect(fs.statSync(path.join(dir, 'data', 'berth.db')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, 'data')).mode & 0o777).toBe(0o700);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is PostgreSQL with a postgres URL; anything else is a usage error naming DATABASE_URL', () => {
    expect(recordsLocation({ DATABASE_URL: 'postgresql://a:b@db:5432/x' }, '/d')).toEqual({ kind: 'postgres', url: 'postgresql://a:b@db:5432/x' });
    expect(() => recordsLocation({ DATABASE_URL: 'mysql://a:b@db/x' }, '/d')).toThrow(/DATABASE_URL: mysql: is not a PostgreSQL URL/);
    expect(() => recordsLocation({ DATABASE_URL: 'not a url' }, '/d')).toThrow(expect.objectContaining({ code: 'usage', path: 'DATABASE_URL' }));
  });

  it('never shows the password of DATABASE_URL', async () => {
    expect(redactUrl('postgresql://app:s3cret-pw@db:5432/app')).toBe('postgresql://app@db:5432/app');
    const err = await openRecords({ kind: 'postgres', url: 'postgresql://app:s3cret-pw@127.0.0.1:1/app' }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/cannot|could not/);
    expect(String((err as Error).message)).not.toContain('s3cret-pw');
  });
});
