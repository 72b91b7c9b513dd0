/**
 * Where a berth server keeps its own records: PostgreSQL when DATABASE_URL is
 * set (a stack with postgres gives the web service one), else an SQLite file
 * in the server's data folder. Either way through one query builder and one
 * set of migrations, run when the database is opened. The driver of the other
 * database is never loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { BerthError } from '../../errors.js';
import type { RecordsSchema } from './schema.js';
import { migrateToLatest } from './migrations.js';

export type RecordsLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface RecordsDb {
  db: Kysely<RecordsSchema>;
  kind: RecordsLocation['kind'];
  /** Where it is, for a log line: the file, or the URL without its password. */
  where: string;
  /** Migrations applied at this open. */
  migrated: string[];
  /** Answers a trivial query (what /healthz asks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The SQLite file a server keeps in its data folder. */
export const SQLITE_FILE = 'berth.db';

/** DATABASE_URL when set (it must be a PostgreSQL URL), else the SQLite file in `dataDir`. */
export function recordsLocation(env: Readonly<Record<string, string | undefined>>, dataDir: string): RecordsLocation {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { kind: 'sqlite', file: path.join(dataDir, SQLITE_FILE) };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BerthError('DATABASE_URL: is not a URL; give postgresql://user:password@host:5432/db, or unset it to use SQLite', { code: 'usage', path: 'DATABASE_URL' });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new BerthError(`DATABASE_URL: ${u.protocol} is not a PostgreSQL URL; berth's server keeps its records in PostgreSQL (postgresql://...) or, without DATABASE_URL, in SQLite`, { code: 'usage', path: 'DATABASE_URL' });
  }
  return { kind: 'postgres', url };
}

/** A URL as it may be shown: never its password. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '';
  return u.toString().replace(/:@/, '@');
}

async function sqliteDialect(file: string): Promise<Dialect> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(file);
  // WAL: readers (the API) do not wait for the writer (a job's log lines).
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  fs.chmodSync(file, 0o600);
  return new SqliteDialect({ database });
}

async function postgresDialect(url: string): Promise<Dialect> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
}

/** Opens the records and brings their schema up to date. */
export async function openRecords(loc: RecordsLocation): Promise<RecordsDb> {
  const where = loc.kind === 'sqlite' ? loc.file : redactUrl(loc.url);
  const dialect = loc.kind === 'sqlite' ? await sqliteDialect(loc.file) : await postgresDialect(loc.url);
  const db = new Kysely<RecordsSchema>({ dialect });
  let migrated: string[];
  try {
    migrated = await migrateToLatest(db);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    if (e instanceof BerthError) throw e;
    throw new BerthError(`cannot open the server's ${loc.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database at ${where}: ${(e as Error).message}`, { code: 'failed' });
  }
  return {
    db,
    kind: loc.kind,
    where,
    migrated,
    ping: async () => void (await db.selectFrom('jobs').select('id').limit(1).execute()),
    close: () => db.destroy(),
  };
}
