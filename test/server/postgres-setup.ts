/**
 * The storage tier runs against a real PostgreSQL server: Debian's
 * `postgresql` (scripts/install-test-deps installs it without starting it).
 * This setup makes a throwaway cluster in a temp folder, starts it on a free
 * loopback port, gives the tests a superuser URL to make their own databases
 * with, and stops and deletes it after. Without PostgreSQL its tests are
 * skipped with a loud warning, except in CI (CI=true), where that fails.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql://postgres:...@127.0.0.1:PORT/postgres, or '' when there is no PostgreSQL. */
    pgAdminUrl: string;
  }
}

/** The newest installed server's bin folder (/usr/lib/postgresql/15/bin). */
function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, 'bin') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export default async function setup(project: TestProject): Promise<(() => void) | void> {
  const bin = pgBin();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error('the storage tier needs PostgreSQL (CI=true): run scripts/install-test-deps');
    console.warn('\n*** SKIPPING the PostgreSQL storage tests: no PostgreSQL server installed (scripts/install-test-deps installs it). ***\n');
    project.provide('pgAdminUrl', '');
    return;
  }
  // As root, the cluster belongs to the postgres user (initdb refuses to run as root).
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pg-'));
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    fs.chownSync(dir, uid, gid);
    fs.chownSync(pwfile, uid, gid);
  }
  const as = (argv: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0]!, argv.slice(1)]) as [string, string[]];
  const run = (argv: string[]) => execFileSync(...as(argv), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const data = path.join(dir, 'data');
  const port = await freePort();
  run([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '--no-sync']);
  run([path.join(bin, 'pg_ctl'), '-w', '-D', data, '-l', path.join(dir, 'log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`, 'start']);
  project.provide('pgAdminUrl', `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`);
  return () => {
    try {
      run([path.join(bin, 'pg_ctl'), '-w', '-D', data, '-m', 'immediate', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
