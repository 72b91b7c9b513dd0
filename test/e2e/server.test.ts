/**
 * berth serve web on the real engine: the built CLI started as a server, a
 * stack generated and started through the REST API, its job followed until
 * it is done, the stack shown healthy, taken down through the API, and the
 * jobs found in the server's SQLite file.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort, until } from './harness.js';

const engine = inject('engine');

describe.skipIf(!engine)('berth serve against a real engine', () => {
  let sb: Sandbox;
  let server: ReturnType<Sandbox['start']> | undefined;
  let base: string;
  let name: string;
  const token = randomBytes(24).toString('hex');
  const auth = { authorization: `Bearer ${token}` };

  const api = async (method: string, url: string, body?: string, type = 'application/json') => {
    const r = await fetch(`${base}${url}`, { method, headers: { ...auth, ...(body !== undefined ? { 'content-type': type } : {}) }, body });
    return { status: r.status, json: (await r.json()) as any };
  };
  const finished = (id: string) =>
    until(`job ${id} to finish`, async () => {
      const { json } = await api('GET', `/api/v1/jobs/${id}`);
      return ['succeeded', 'failed'].includes(json.job.state) && json;
    }, 240_000, 500);

  beforeAll(async () => {
    sb = new Sandbox();
    name = sb.name('srv');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = sb.start(['serve', 'web', '--no-tls', '--host', '127.0.0.1', '--port', String(port)], { BERTH_AUTH_TOKEN: token, BERTH_SECRET_KEY: randomBytes(32).toString('hex') });
    await until('the server to answer /healthz', async () => (await fetch(`${base}/healthz`)).ok, 30_000, 200);
  });

  afterAll(async () => {
    if (server) await server.interrupt();
    await sb?.cleanup();
  });

  it('generates, starts, shows and stops a stack through the API, and keeps its jobs in SQLite', async () => {
    expect((await fetch(`${base}/api/v1/stacks`)).status).toBe(401);
    const gen = await api('POST', `/api/v1/stacks/${name}`, 'services:\n  redis: {}\n', 'text/yaml');
    expect(gen.status, JSON.stringify(gen.json)).toBe(201);
    expect(gen.json.services).toEqual([expect.objectContaining({ name: 'redis', image: 'berth-test/redis:latest' })]);

    const up = await api('POST', `/api/v1/stacks/${name}/up`, JSON.stringify({ timeoutSeconds: 180 }));
    expect(up.status).toBe(202);
    const upDone = await finished(up.json.job.id);
    expect(upDone.job.state, JSON.stringify(upDone)).toBe('succeeded');
    expect(upDone.logs.map((l: { line: string }) => l.line)).toContain(`up of stack ${name} succeeded`);

    const one = await api('GET', `/api/v1/stacks/${name}`);
    expect(one.status).toBe(200);
    expect(one.json.status.services.map((v: { name: string; state: string }) => [v.name, v.state])).toEqual([['redis', 'healthy']]);
    expect(one.json.status.ready).toBe(true);
    const all = await api('GET', '/api/v1/stacks');
    expect(all.json.stacks.find((s: { name: string }) => s.name === name)).toMatchObject({ state: 'running', ready: 1, activeServices: 1 });
    const logs = await api('GET', `/api/v1/stacks/${name}/logs?tail=20`);
    expect(logs.status).toBe(200);
    expect(logs.json.records.length).toBeGreaterThan(0);
    expect(logs.json.records.every((r: { service: string }) => r.service === 'redis')).toBe(true);

    const down = await api('POST', `/api/v1/stacks/${name}/down`);
    expect(down.status).toBe(202);
    expect((await finished(down.json.job.id)).job.state).toBe('succeeded');
    expect(await sb.running(name, 'redis')).toBe(0);

    expect(await server!.interrupt()).toBe(0);
    server = undefined;
    const db = new Database(path.join(sb.home, 'server', 'berth.db'), { readonly: true });
    try {
      const rows = db.prepare('select stack, action, state from jobs order by created_at').all();
      expect(rows).toEqual([{ stack: name, action: 'up', state: 'succeeded' }, { stack: name, action: 'down', state: 'succeeded' }]);
      expect((db.prepare('select count(*) as n from job_logs').get() as { n: number }).n).toBeGreaterThan(2);
    } finally {
      db.close();
    }
  });
});
