/**
 * berth serve as it starts: its flags and environment checked before
 * anything starts, then a real listening server with the self-signed
 * certificate it keeps, its records in SQLite or (with DATABASE_URL) in the
 * test PostgreSQL server, and the CLI command that runs it until a signal.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { serveConfig, startServer } from '../../src/server/index.js';
import { MIGRATION_NAMES } from '../../src/store/records/migrations.js';
import { main } from '../../src/cli/main.js';
import type { IO } from '../../src/cli/io.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { freshDatabase } from '../helpers/postgres.js';
import { SECRET_KEY, SPEC, TOKEN } from './_app.js';

const env = { BERTH_AUTH_TOKEN: TOKEN, BERTH_SECRET_KEY: SECRET_KEY };

function tmpHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-serve-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  return home;
}

/** A request over TLS to the self-signed server. */
function get(url: string, o: { token?: string; method?: string; body?: string; type?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.type ? { 'content-type': o.type } : {}) };
    const req = https.request(url, { method: o.method ?? 'GET', rejectUnauthorized: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('berth serve', () => {
  it('is configured from its flags and environment, and refuses what cannot be right', () => {
    const home = '/h';
    expect(serveConfig('web', {}, env, home, '/cwd')).toEqual({
      mode: 'web', port: 8080, host: '0.0.0.0', tls: { kind: 'self-signed' }, dataDir: '/h/server', records: { kind: 'sqlite', file: '/h/server/berth.db' },
      token: TOKEN, secretKey: SECRET_KEY, readOnly: false, publicApi: false, publicMetrics: false,
    });
    // A reporting server serves its API without the key (its dashboard is then off).
    expect(serveConfig('reporting', {}, { BERTH_AUTH_TOKEN: TOKEN }, home, '/cwd').secretKey).toBeUndefined();
    expect(serveConfig('reporting', { dataDir: 'd', tls: false }, { ...env, BERTH_DATA_DIR: '/x' }, home, '/cwd')).toMatchObject({ readOnly: true, dataDir: '/cwd/d', tls: { kind: 'none' } });
    expect(serveConfig('web', {}, { ...env, BERTH_DATA_DIR: '/x', DATABASE_URL: 'postgresql://u:p@db/x' }, home, '/cwd')).toMatchObject({ dataDir: '/x', records: { kind: 'postgres' } });
    expect(serveConfig('web', { tlsCert: 'c.pem', tlsKey: 'k.pem' }, env, home, '/cwd').tls).toEqual({ kind: 'files', cert: '/cwd/c.pem', key: '/cwd/k.pem' });
    expect(serveConfig('reporting', { public: true, publicMetrics: true }, {}, home, '/cwd').token).toBeUndefined();
    const refused: [string, Parameters<typeof serveConfig>[1], Record<string, string>, RegExp][] = [
      ['web', {}, {}, /^BERTH_AUTH_TOKEN: is not set/],
      ['web', {}, { BERTH_AUTH_TOKEN: 'short' }, /^BERTH_AUTH_TOKEN: is shorter than 16/],
      ['web', {}, { BERTH_AUTH_TOKEN: TOKEN }, /^BERTH_SECRET_KEY: is not set; the web dashboard signs its session cookies with it/],
      ['web', {}, { ...env, BERTH_SECRET_KEY: 'short' }, /^BERTH_SECRET_KEY: is shorter than 16/],
      ['reporting', {}, { ...env, BERTH_SECRET_KEY: 'short' }, /^BERTH_SECRET_KEY: is shorter than 16/],
      ['reporting', { public: true }, {}, /^BERTH_AUTH_TOKEN: is not set/],
      ['web', { public: true }, env, /^--public: only a reporting server/],
      ['agent', {}, env, /^serve: "agent" is not a server/],
      ['web', { port: '70000' }, env, /^--port: "70000" is not a port/],
      ['web', { port: 'x' }, env, /^--port: "x" is not a port/],
      ['web', { tlsCert: 'c.pem' }, env, /^--tls-cert: give both --tls-cert and --tls-key/],
      ['web', { tlsCert: 'c', tlsKey: 'k', tls: false }, env, /^--no-tls: cannot be given/],
      ['web', { host: 'a b' }, env, /^--host: "a b" is not an address/],
      ['web', {}, { ...env, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: mysql: is not a PostgreSQL URL/],
    ];
    for (const [mode, flags, e, message] of refused) expect(() => serveConfig(mode, flags, e, home, '/cwd')).toThrow(message);
  });

  it('serves HTTPS with a self-signed certificate it keeps in the data folder, across restarts', async () => {
    const home = tmpHome();
    const cfg = { ...serveConfig('web', { port: '0', host: '127.0.0.1' }, env, home, home) };
    const lines: string[] = [];
    const first = await startServer(cfg, testDeps(home), (l) => lines.push(l));
    const a = await get(`${first.url}/healthz`);
    await first.close();
    expect(a.status).toBe(200);
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[0]).toMatch(/^berth web serving on https:\/\/127\.0\.0\.1:\d+; self-signed certificate .*tls\.crt \(made now\), SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(lines[1]).toBe(`records in SQLite at ${path.join(home, 'server', 'berth.db')} (migrated: ${MIGRATION_NAMES.join(', ')})`);
    const crt = fs.readFileSync(path.join(home, 'server', 'tls', 'tls.crt'), 'utf8');
    expect(new X509Certificate(crt).subjectAltName).toContain('IP Address:127.0.0.1');
    expect(lines[0]).toContain(new X509Certificate(crt).fingerprint256);
    const second = await startServer(cfg, testDeps(home), () => undefined);
    const b = await get(`${second.url}/api/v1/stacks`, { token: TOKEN });
    await second.close();
    expect([b.status, JSON.parse(b.body).stacks]).toEqual([200, []]);
    expect(fs.readFileSync(path.join(home, 'server', 'tls', 'tls.crt'), 'utf8')).toBe(crt);
  });

  it('keeps its records in PostgreSQL when DATABASE_URL is set', async () => {
    const admin = inject('pgAdminUrl');
    if (!admin) return console.warn('no PostgreSQL: skipped');
    const db = await freshDatabase(admin);
    onTestFinished(() => db.drop());
    const home = tmpHome();
    const engine = new MemoryEngine();
    const cfg = serveConfig('web', { port: '0', host: '127.0.0.1', tls: false }, { ...env, DATABASE_URL: db.url }, home, home);
    const lines: string[] = [];
    const server = await startServer(cfg, testDeps(home, { engine }), (l) => lines.push(l));
    onTestFinished(() => server.close());
    expect(lines[1]).toMatch(/^records in PostgreSQL at postgresql:\/\/berth_\w+@127\.0\.0\.1:\d+\/berth_\w+ \(migrated: 0001_jobs, 0002_sessions, 0003_stack_samples, 0004_agents\)$/);
    expect(lines.join('\n')).not.toContain(new URL(db.url).password);
    const health = await fetch(`${server.url}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', storage: 'postgres' });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${server.url}/api/v1/stacks/prod`, { method: 'POST', headers: { ...auth, 'content-type': 'text/yaml' }, body: SPEC })).status).toBe(201);
    const queued = await fetch(`${server.url}/api/v1/stacks/prod/down`, { method: 'POST', headers: auth }).then((r) => r.json());
    for (let i = 0; i < 100; i++) {
      const j = await fetch(`${server.url}/api/v1/jobs/${queued.job.id}`, { headers: auth }).then((r) => r.json());
      if (j.job.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query('select action, state from jobs');
    const logs = await c.query('select count(*)::int as n from job_logs where job_id = $1', [queued.job.id]);
    await c.end();
    expect(rows.rows).toEqual([{ action: 'down', state: 'succeeded' }]);
    expect(logs.rows[0].n).toBeGreaterThan(0);
  });

  it('the CLI command serves until SIGTERM, then stops cleanly', async () => {
    const home = tmpHome();
    const signals = new EventEmitter();
    let out = '';
    const io: IO = { out: (t) => void (out += t), err: (t) => void (out += t), env: { ...env, BERTH_HOME: home }, cwd: home, isTTY: false, stdinTTY: false, signals: signals as unknown as IO['signals'] };
    const done = main(['serve', 'web', '--port', '0', '--host', '127.0.0.1', '--no-tls'], io, undefined, new MemoryEngine());
    for (let i = 0; i < 200 && !/serving on/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /serving on (\S+);/.exec(out)![1]!;
    expect(await fetch(`${url}/healthz`).then((r) => r.status)).toBe(200);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(0);
    expect(out).toMatch(/stopping: waiting for running jobs\n.* stopped\n$/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
