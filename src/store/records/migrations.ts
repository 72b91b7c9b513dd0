/**
 * Every change to the records' schema, in order, written once with the query
 * builder's schema API so the same migration runs on SQLite and PostgreSQL.
 * A migration is never edited once released: a change is a new entry.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { BerthError } from '../../errors.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001_jobs': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('stack', 'varchar(63)', (c) => c.notNull())
        .addColumn('action', 'varchar(32)', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('who', 'varchar(255)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(32)')
        .addColumn('finished_at', 'varchar(32)')
        .addColumn('result', 'text')
        .addColumn('error_code', 'varchar(32)')
        .addColumn('error_message', 'text')
        .execute();
      await db.schema.createIndex('jobs_created').on('jobs').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('jobs_stack_created').on('jobs').columns(['stack', 'created_at']).execute();
      await db.schema.createIndex('jobs_state').on('jobs').column('state').execute();
      await db.schema
        .createTable('job_logs')
        .addColumn('job_id', 'varchar(64)', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('time', 'varchar(32)', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_logs_pk', ['job_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('job_logs').execute();
      await db.schema.dropTable('jobs').execute();
    },
  },
  '0002_sessions': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('who', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('sessions').execute();
    },
  },
  '0003_stack_samples': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('stack_samples')
        .addColumn('stack', 'varchar(63)', (c) => c.notNull())
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('ready', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stack_samples_pk', ['stack', 'at'])
        .execute();
      // Pruning by age reads by time alone.
      await db.schema.createIndex('stack_samples_at').on('stack_samples').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('stack_samples').execute();
    },
  },
  '0004_agents': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('credential_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('enrolled_from', 'varchar(255)', (c) => c.notNull())
        .addColumn('interval_ms', 'integer', (c) => c.notNull())
        .addColumn('last_heartbeat', 'varchar(32)')
        .addColumn('facts', 'text')
        .addColumn('stacks', 'text')
        .addColumn('revoked_at', 'varchar(32)')
        .execute();
      await db.schema
        .createTable('enrollment_tokens')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
        .addColumn('used_at', 'varchar(32)')
        .addColumn('agent_id', 'varchar(64)')
        .execute();
      // One column per statement: SQLite adds one at a time.
      await db.schema.alterTable('jobs').addColumn('agent_id', 'varchar(64)').execute();
      await db.schema.alterTable('jobs').addColumn('lease_id', 'varchar(64)').execute();
      await db.schema.alterTable('jobs').addColumn('lease_until', 'varchar(32)').execute();
      await db.schema.alterTable('jobs').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('jobs_agent_state').on('jobs').columns(['agent_id', 'state', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('jobs_agent_state').execute();
      for (const c of ['attempts', 'lease_until', 'lease_id', 'agent_id']) await db.schema.alterTable('jobs').dropColumn(c).execute();
      await db.schema.dropTable('enrollment_tokens').execute();
      await db.schema.dropTable('agents').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** The names of every migration, oldest first. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

/**
 * Brings the schema up to date. A database migrated by a newer berth (a
 * migration this one does not know) is refused rather than used.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const message = (error as Error).message ?? String(error);
    if (/corrupted migrations/.test(message)) throw new BerthError(`the server's database was migrated by another berth (${message}); use that berth's version or a new database`, { code: 'damaged' });
    throw error;
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
