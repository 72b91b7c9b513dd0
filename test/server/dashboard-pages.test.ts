/**
 * The dashboard's pages in-process on the in-memory engine: each page and
 * live part as a logged-in browser gets it, stack actions from a page (with
 * the confirmation the server insists on), a read-only server without any
 * action, a public one without a login, a server without BERTH_SECRET_KEY
 * without a dashboard, the script and stylesheet it serves itself, and no
 * secret value anywhere in what it serves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_OF } from '../../src/server/http-errors.js';
import { SECRET_KEY, SPEC, TOKEN, asBrowser, login, startable, testServer } from './_app.js';

async function withStack(o: Parameters<typeof testServer>[0] = {}) {
  const s = await testServer(o);
  expect((await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } })).statusCode).toBe(201);
  return s;
}

const PAGES = ['/stacks', '/stacks/prod', '/stacks/prod?hours=24', '/deployments', '/deployments?stack=prod&state=succeeded', '/agents'];
const PARTS = ['/parts/stacks', '/parts/stacks/prod/services', '/parts/stacks/prod/logs', '/parts/deployments?stack=prod&limit=5'];

describe('dashboard pages', () => {
  it('serves every page and live part to a session, with headers that keep them to themselves', async () => {
    const s = await withStack();
    s.engine.add('prod', 'redis', { health: 'healthy', ports: [6379] });
    const browser = asBrowser(s, (await login(s)).cookie);
    for (const url of [...PAGES, ...PARTS]) {
      const r = await browser('GET', url);
      expect([url, r.statusCode]).toEqual([url, 200]);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
    const stacks = (await browser('GET', '/stacks')).body;
    expect(stacks).toMatch(/<html lang="en">/);
    expect(stacks).toMatch(/<a href="\/stacks" aria-current="page">Stacks<\/a>/);
    expect(stacks).toMatch(/<a class="skip-link" href="#main">/);
    expect(stacks).toMatch(/<h1>Stacks<\/h1>/);
    expect(stacks).toMatch(/data-live="\/parts\/stacks" data-live-on="stack stack.removed engine"/);
    expect(stacks).toMatch(/<tr data-stack="prod" data-state="degraded">[\s\S]*1 of 3[\s\S]*<\/tr>/);
    const stack = (await browser('GET', '/stacks/prod')).body;
    expect(stack).toMatch(/<h1>Stack prod<\/h1>/);
    expect(stack).toMatch(/<th scope="row">redis<\/th>\s*<td><span class="badge badge-good">healthy<\/span><\/td>\s*<td>healthy<\/td>\s*<td>6379-&gt;6379\/tcp<\/td>\s*<td>0<\/td>\s*<td><code>redis:test<\/code><\/td>/);
    expect(stack).toMatch(/<svg class="timeline" viewBox="0 0 720 128" role="img" aria-labelledby="timeline-title timeline-desc">/);
    expect(stack).toMatch(/<label for="scale-service">Service<\/label>/);
    expect(stack).toContain('<dt>Secrets (names only)</dt><dd>POSTGRES_PASSWORD, REDIS_PASSWORD</dd>');
    expect((await browser('GET', '/agents')).body).toContain('<strong>No agents yet.</strong>');
  });

  it('makes an enrollment token from the agents page, shows an enrolled agent with its host and stacks, and revokes it', async () => {
    const s = await withStack();
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    expect((await browser('POST', '/agents/tokens', {})).statusCode).toBe(403);
    const made = await browser('POST', '/agents/tokens', { _csrf: csrf });
    expect(made.statusCode).toBe(201);
    const token = /<code id="enroll-token">([^<]+)<\/code>/.exec(made.body)![1]!;
    expect(made.body).toContain(`export BERTH_ENROLL_TOKEN=${token}`);
    const enrolled = await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token, name: 'gpu1', intervalSeconds: 5 } });
    const { agent, credential } = enrolled.json();
    const facts = { hostname: 'gpu1.lab', cpus: 32, memoryBytes: 256 * 2 ** 30, engineVersion: '27.3.1', composeVersion: '2.29.1', disk: { path: '/', totalBytes: 2 ** 40, freeBytes: 2 ** 39 }, gpus: [{ index: 0, model: 'NVIDIA A100', memoryMiB: 81920, memoryUsedMiB: 2048, utilizationPercent: 12 }] };
    await s.call('POST', '/api/v1/agent/heartbeat', { token: credential, payload: { intervalSeconds: 5, facts, stacks: [{ name: 'train', state: 'running', ready: 2, activeServices: 2 }] } });
    const page = (await browser('GET', '/agents')).body;
    expect(page).toMatch(/<section class="agent" data-agent="gpu1" data-state="online"/);
    for (const text of ['gpu1.lab', 'Docker 27.3.1, Compose 2.29.1', '<dd>32</dd>', '<dd>256g</dd>', '512g free of 1t', 'NVIDIA A100, 2048 of 81920 MiB, 12% busy', 'train <span class="badge badge-good">running</span>']) expect(page).toContain(text);
    expect(page).not.toContain(credential.split('.')[1]);
    expect((await browser('GET', '/stacks')).body).toMatch(/<tr data-agent-stack="train" data-state="running">[\s\S]*gpu1[\s\S]*2 of 2/);
    const job = (await s.call('POST', `/api/v1/agents/${agent.id}/jobs`, { payload: { action: 'status', stack: 'train' } })).json().job;
    expect((await browser('GET', '/deployments')).body).toContain(`train <a href="/agents#agent-${agent.id}">on its agent</a>`);
    expect((await browser('GET', `/deployments/${job.id}`)).body).toMatch(/<dt>Attempts<\/dt><dd>0 \(times handed to the agent\)<\/dd>/);
    const revoked = await browser('POST', `/agents/${agent.id}/revoke`, { _csrf: csrf });
    expect([revoked.statusCode, revoked.headers.location]).toEqual([303, '/agents']);
    expect((await browser('GET', '/parts/agents')).body).toMatch(/data-agent="gpu1" data-state="revoked"/);
  });

  it('puts the stacks that need attention first', async () => {
    const s = await withStack();
    for (const [name, spec] of [['alpha', 'services:\n  redis: {}\n'], ['zulu', 'services:\n  redis: {}\n']]) {
      await s.call('POST', `/api/v1/stacks/${name}`, { payload: { spec: spec! } });
    }
    s.engine.add('alpha', 'redis', { health: 'healthy' });
    s.engine.add('zulu', 'redis', { health: 'unhealthy' });
    const body = (await asBrowser(s, (await login(s)).cookie)('GET', '/parts/stacks')).body;
    expect([...body.matchAll(/data-stack="(\w+)" data-state="(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['zulu:degraded', 'alpha:running', 'prod:stopped']);
    expect(body).toContain('<strong>1 needs attention</strong>');
  });

  it('runs an action from a page: a destructive one only once confirmed, then the job', async () => {
    const s = await withStack();
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    const ask = await browser('POST', '/stacks/prod/actions', { action: 'down', _csrf: csrf });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('<h1>Confirm: down of stack prod</h1>');
    expect(ask.body).toContain('<input type="hidden" name="confirm" value="yes">');
    const json = { accept: 'application/json', 'x-csrf-token': csrf };
    const unconfirmed = await browser('POST', '/stacks/prod/actions', { action: 'restart' }, json);
    expect([unconfirmed.statusCode, unconfirmed.json().error.message]).toEqual([400, 'confirm: restart of stack prod needs confirm=yes']);
    expect(await s.ctx.jobStore.list({ limit: 5 })).toEqual([]);
    const up = await browser('POST', '/stacks/prod/actions', { action: 'up' }, json);
    expect(up.statusCode).toBe(202);
    expect(up.json().job).toMatchObject({ stack: 'prod', action: 'up', who: 'dashboard@127.0.0.1' });
    const scale = await browser('POST', '/stacks/prod/actions', { action: 'scale', service: 'worker', replicas: '2', confirm: 'yes', _csrf: csrf });
    expect(scale.statusCode).toBe(303);
    await s.ctx.jobs.idle();
    const page = await browser('GET', scale.headers.location as string);
    expect(page.body).toMatch(/<h1>scale worker=2 of stack prod<\/h1>/);
    expect(page.body).toContain('scale of stack prod succeeded');
    const log = await browser('GET', `/parts/deployments/${up.json().job.id}/log?after=1`);
    expect(log.body).not.toContain('data-seq="1"');
    expect(log.body).toContain('up of stack prod succeeded');
    for (const [fields, message] of [
      [{ action: 'explode' }, 'action: "explode" is not an action'],
      [{ action: 'scale', service: 'worker', replicas: 'many', confirm: 'yes' }, 'replicas: "many" is not a number'],
      [{ action: 'scale', service: 'nope', replicas: '1', confirm: 'yes' }, 'nope'],
    ] as const) {
      const r = await browser('POST', '/stacks/prod/actions', fields, json);
      expect([r.statusCode, r.json().error.message]).toEqual([400, expect.stringContaining(message)]);
    }
    const missing = await browser('POST', '/stacks/nope/actions', { action: 'up', _csrf: csrf });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatch(/<h1>Not found<\/h1>[\s\S]*role="alert"/);
  });

  it('answers a page that does not exist, or a stack that does not, with a page', async () => {
    const s = await withStack();
    const browser = asBrowser(s, (await login(s)).cookie);
    const r = await browser('GET', '/nope');
    expect([r.statusCode, r.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    expect(r.body).toContain('no page /nope');
    expect((await browser('GET', '/stacks/nope')).statusCode).toBe(404);
    expect((await browser('GET', '/stacks/Bad%20Name')).statusCode).toBe(400);
    expect((await browser('GET', '/deployments/nope')).statusCode).toBe(404);
    expect((await browser('GET', '/parts/stacks/nope/services')).body).toMatch(/^<p class="notice" role="alert">/);
    // The API's own answers stay JSON.
    expect((await s.call('GET', '/api/v1/nope')).json().error.code).toBe('not_found');
  });

  it('shows the engine not answering instead of failing the pages', async () => {
    const s = await withStack();
    const browser = asBrowser(s, (await login(s)).cookie);
    s.engine.listContainers = async () => {
      const { BerthError } = await import('../../src/errors.js');
      throw new BerthError('cannot reach the Docker engine at memory://', { code: 'engine_unreachable' });
    };
    const stacks = await browser('GET', '/stacks');
    expect(stacks.statusCode).toBe(200);
    expect(stacks.body).toContain('The Docker engine does not answer, so every state is unknown');
    const stack = await browser('GET', '/stacks/prod');
    expect(stack.statusCode).toBe(200);
    expect(stack.body).toContain("so the services' state is unknown: cannot reach the Docker engine");
  });

  it('a reporting server shows no action, refuses every change, and still logs in and out', async () => {
    const web = await withStack();
    const s = await testServer({ mode: 'reporting', home: web.home });
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    for (const url of [...PAGES, ...PARTS]) {
      const r = await browser('GET', url);
      expect([url, r.statusCode]).toEqual([url, 200]);
      expect(r.body).not.toMatch(/<form method="post" action="\/stacks/);
      expect(r.body).not.toContain('data-action');
    }
    expect((await browser('GET', '/stacks/prod')).body).toContain('This server is read-only');
    for (const action of ['up', 'down', 'restart', 'scale']) {
      const r = await browser('POST', '/stacks/prod/actions', { action, service: 'worker', replicas: '2', confirm: 'yes', _csrf: csrf });
      expect([action, r.statusCode, r.headers.allow]).toEqual([action, 405, 'GET, HEAD']);
    }
    expect(s.runner.commands).toEqual([]);
    expect(await s.ctx.jobStore.list({ limit: 5 })).toEqual([]);
    expect((await browser('POST', '/logout', { _csrf: csrf })).statusCode).toBe(303);
    expect((await browser('GET', '/stacks')).statusCode).toBe(303);
  });

  it('a public reporting server shows its pages without a login; any other server without the key has no dashboard', async () => {
    const web = await withStack();
    const pub = await testServer({ mode: 'reporting', publicApi: true, home: web.home, secretKey: null });
    const r = await pub.call('GET', '/stacks', { token: null });
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('Log out');
    expect(r.body).not.toContain('csrf');
    expect((await pub.call('GET', '/login', { token: null })).statusCode).toBe(404);
    const off = await testServer({ mode: 'reporting', home: web.home, secretKey: null });
    const home = await off.call('GET', '/', { token: null });
    expect([home.statusCode, home.headers['content-type']]).toEqual([503, 'text/html; charset=utf-8']);
    expect(home.body).toContain('started without <code>BERTH_SECRET_KEY</code>');
    expect((await off.call('GET', '/stacks', { token: null })).statusCode).toBe(401);
    expect((await off.call('GET', '/login', { token: null })).statusCode).toBe(401);
  });

  it('serves its own script and stylesheet, cacheable by their tag, and nothing else from /assets', async () => {
    const s = await testServer();
    const js = await s.call('GET', '/assets/dashboard.js', { token: null });
    expect([js.statusCode, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.body).toContain("new EventSource('/api/v1/events')");
    const again = await s.call('GET', '/assets/dashboard.js', { token: null, headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await s.call('GET', '/assets/dashboard.css', { token: null })).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of ['/assets/nope.js', '/assets/..%2F..%2Fapp.ts', '/assets/%2e%2e%2fhtml.ts']) expect([url, (await s.call('GET', url, { token: null })).statusCode]).toEqual([url, 404]);
    expect(STATUS_OF).toMatchObject({ forbidden: 403, rate_limited: 429 });
  });

  it('no page, part or asset holds a secret value: the stack\'s, the API token or the session key', async () => {
    const s = await withStack();
    const env = fs.readFileSync(path.join(s.home, 'stacks', 'prod', '.env'), 'utf8');
    const secrets = [...['POSTGRES_PASSWORD', 'REDIS_PASSWORD'].map((k) => new RegExp(`^${k}=(.+)$`, 'm').exec(env)![1]!), TOKEN, SECRET_KEY];
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    s.engine.logLines[s.engine.containers[0]!.Id] = [{ stream: 'stdout', time: '2025-01-01T00:00:01Z', text: 'ready to accept connections' }];
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    const { job } = (await browser('POST', '/stacks/prod/actions', { action: 'up' }, { accept: 'application/json', 'x-csrf-token': csrf })).json();
    await s.ctx.jobs.idle();
    await s.ctx.sampler.sample();
    const urls = [...PAGES, ...PARTS, '/login', `/deployments/${job.id}`, `/parts/deployments/${job.id}`, `/parts/deployments/${job.id}/log`, '/assets/dashboard.js', '/assets/dashboard.css', '/nope'];
    const bodies = [await s.call('GET', '/login', { token: null }), ...(await Promise.all(urls.map((u) => browser('GET', u))))].map((r) => `${JSON.stringify(r.headers)}\n${r.body}`);
    expect(bodies.join('\n')).toContain('up of stack prod succeeded');
    for (const b of [...bodies, ...s.logged]) for (const v of secrets) expect(b).not.toContain(v);
  });
});
