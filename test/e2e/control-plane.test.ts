/**
 * berth's own image and its control plane, on the real engine: a stack with
 * the dashboard runs on a machine no registry reaches (berth builds its image
 * from this installation), answers over HTTPS, keeps its records in the
 * stack's PostgreSQL, and Prometheus scrapes it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort, until } from './harness.js';
import { BERTH_IMAGE } from '../../src/catalog/_berth.js';

const engine = inject('engine');

/** A GET over HTTPS to berth's self-signed server. */
function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function post(url: string, token: string, body: string, type = 'text/yaml'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, 'content-type': type } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!engine)('the control plane in its own image', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
    // Built afresh from this installation: no registry can give it.
    execFileSync('docker', ['image', 'rm', '-f', BERTH_IMAGE], { stdio: 'ignore' });
  });
  afterAll(async () => sb?.cleanup());

  it('web + PostgreSQL + Prometheus: image built locally, HTTPS, records in PostgreSQL, scraped', async () => {
    const name = sb.name('ctl');
    const [web, pg, prom] = [await freePort(), await freePort(), await freePort()];
    const gen = await sb.berth(['generate', name, '--web', '--postgres', '--with', 'prometheus', '--port', String(web), '--postgres-port', String(pg), '--prometheus-port', String(prom)]);
    expect(gen.code, gen.stderr).toBe(0);
    const up = await sb.berth(['up', name, '--timeout', '240'], { env: { BERTH_NODE_IMAGE: 'berth-test/node:20' } });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(new RegExp(`${BERTH_IMAGE.replace(/[.]/g, '\\.')} cannot be pulled \\(.*\\); building it from this installation of berth`));

    const health = await get(`https://127.0.0.1:${web}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', mode: 'web', storage: 'postgres' });
    const token = /^BERTH_AUTH_TOKEN=(.+)$/m.exec(fs.readFileSync(path.join(sb.home, 'stacks', name, '.env'), 'utf8'))![1]!;
    expect((await get(`https://127.0.0.1:${web}/api/v1/stacks`)).status).toBe(401);
    expect((await get(`https://127.0.0.1:${web}/api/v1/stacks`, token)).status).toBe(200);

    // A stack the server stores, and an action on it: the job is a row in the stack's PostgreSQL.
    const made = await post(`https://127.0.0.1:${web}/api/v1/stacks/demo`, token, 'services:\n  redis: {}\n');
    expect(made.status, made.body).toBe(201);
    const job = await post(`https://127.0.0.1:${web}/api/v1/stacks/demo/down`, token, '{}', 'application/json');
    expect(job.status, job.body).toBe(202);
    const rows = await until('the job row in PostgreSQL', async () => {
      const r = await sb.berth(['exec', name, 'postgres', '--', 'psql', '-U', 'app', '-d', 'app', '-tAc', "select count(*) from jobs where stack = 'demo'"]);
      return r.code === 0 && Number(r.stdout.trim()) >= 1 && r.stdout.trim();
    });
    expect(Number(rows)).toBeGreaterThanOrEqual(1);

    const targets = await until('Prometheus to scrape the web server', async () => {
      const r = await fetch(`http://127.0.0.1:${prom}/api/v1/targets`);
      const data = (await r.json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } };
      const t = data.data.activeTargets.find((x) => x.labels.job === 'web');
      return t?.health === 'up' && t;
    }, 90_000, 2000);
    expect(targets.health).toBe('up');
  });
});
