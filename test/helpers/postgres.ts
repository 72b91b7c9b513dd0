/** A fresh PostgreSQL database (and its own role) per suite, on the server test/server/postgres-setup.ts started. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `berth_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  const url = `postgresql://${name}:${password}@${u.host}/${name}`;
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${name}`);
      } finally {
        await c.end();
      }
    },
  };
}
