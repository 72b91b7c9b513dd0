/**
 * The stacks API in-process on the in-memory engine: generate from a
 * stack.yaml, one stack and all of them, actions as jobs with their logs,
 * errors with their codes and HTTP statuses, and no secret value in any
 * answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthError, type ErrorCode } from '../../src/errors.js';
import { STATUS_OF, httpError } from '../../src/server/http-errors.js';
import { SPEC, startable, testServer } from './_app.js';

const yaml = { 'content-type': 'text/yaml' };

describe('stacks API', () => {
  it('generates a stack from a stack.yaml body (YAML or JSON), and regenerates it', async () => {
    const s = await testServer();
    const r = await s.call('POST', '/api/v1/stacks/prod', { payload: SPEC, headers: yaml });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ stack: 'prod', created: true, generatedSecrets: ['POSTGRES_PASSWORD', 'REDIS_PASSWORD'], services: [{ name: 'postgres' }, { name: 'redis' }, { name: 'worker' }] });
    expect(fs.readFileSync(path.join(s.home, 'stacks', 'prod', 'stack.yaml'), 'utf8')).toBe(SPEC);
    const again = await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    expect([again.statusCode, again.json().created]).toEqual([200, false]);
    expect((await s.call('POST', '/api/v1/stacks/prod', { payload: SPEC, headers: { 'content-type': 'application/yaml' } })).statusCode).toBe(200);
  });

  it('lists every stack with its state, and shows one with its services', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    s.engine.add('prod', 'redis', { health: 'healthy' });
    const list = (await s.call('GET', '/api/v1/stacks')).json();
    expect(list).toMatchObject({ engine: { ok: true }, stacks: [{ name: 'prod', state: 'degraded', ready: 1, activeServices: 3, services: ['postgres', 'redis', 'worker'] }] });
    const one = (await s.call('GET', '/api/v1/stacks/prod')).json();
    expect(one.details).toMatchObject({ stack: 'prod', envNames: expect.arrayContaining(['POSTGRES_PASSWORD']), secrets: ['POSTGRES_PASSWORD', 'REDIS_PASSWORD'] });
    expect(one.status.services.map((v: { name: string; state: string }) => [v.name, v.state])).toEqual([['postgres', 'down'], ['redis', 'healthy'], ['worker', 'down']]);
  });

  it('runs up, restart, scale and down as jobs, recording their state, result and log', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    const up = await s.call('POST', '/api/v1/stacks/prod/up', { payload: { timeoutSeconds: 5 } });
    expect(up.statusCode).toBe(202);
    const { job } = up.json();
    expect(job).toMatchObject({ stack: 'prod', action: 'up', state: 'queued', who: 'token@127.0.0.1' });
    expect(up.headers.location).toBe(`/api/v1/jobs/${job.id}`);
    await s.ctx.jobs.idle();
    const done = (await s.call('GET', `/api/v1/jobs/${job.id}`)).json();
    expect(done.job).toMatchObject({ state: 'succeeded', startedAt: expect.any(String), finishedAt: expect.any(String), result: { ready: true } });
    expect(done.logs.map((l: { line: string }) => l.line)).toEqual(expect.arrayContaining(['up of stack prod started by token@127.0.0.1', 'postgres healthy, redis healthy, worker healthy', 'up of stack prod succeeded']));
    expect(done.logs.map((l: { seq: number }) => l.seq)).toEqual(done.logs.map((_: unknown, i: number) => i + 1));

    const more = [
      await s.call('POST', '/api/v1/stacks/prod/restart', { payload: { services: ['redis'], wait: false } }),
      await s.call('POST', '/api/v1/stacks/prod/scale', { payload: { replicas: { worker: 2 }, wait: false } }),
      await s.call('POST', '/api/v1/stacks/prod/down', {}),
    ];
    expect(more.map((r) => r.statusCode)).toEqual([202, 202, 202]);
    await s.ctx.jobs.idle();
    const jobs = (await s.call('GET', '/api/v1/jobs')).json().jobs;
    expect(jobs.map((j: { action: string; state: string }) => `${j.action}:${j.state}`).sort()).toEqual(['down:succeeded', 'restart:succeeded', 'scale:succeeded', 'up:succeeded']);
    expect((await s.call('GET', '/api/v1/jobs?state=succeeded&limit=1')).json().jobs).toHaveLength(1);
    expect((await s.call('GET', '/api/v1/jobs?stack=other')).json().jobs).toEqual([]);
    const argv = s.runner.commands.map((c) => c.argv.slice(c.argv.indexOf('--file') + 2).join(' '));
    expect(argv).toEqual(expect.arrayContaining(['restart redis', 'down --remove-orphans']));
  });

  it('a job that fails keeps the error code and message, and its log says why', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    s.engine.ping = async () => {
      throw new BerthError('cannot reach the Docker engine at memory://; start it', { code: 'engine_unreachable' });
    };
    const { job } = (await s.call('POST', '/api/v1/stacks/prod/up', {})).json();
    await s.ctx.jobs.idle();
    const done = (await s.call('GET', `/api/v1/jobs/${job.id}`)).json();
    expect(done.job).toMatchObject({ state: 'failed', error: { code: 'engine_unreachable', message: 'cannot reach the Docker engine at memory://; start it' } });
    expect(done.logs.at(-1).line).toBe('error: cannot reach the Docker engine at memory://; start it');
    // A route that needs the engine answers 503; the listing still lists.
    const logs = await s.call('GET', '/api/v1/stacks/prod/logs');
    expect([logs.statusCode, logs.json().error.code]).toEqual([503, 'engine_unreachable']);
  });

  it('reads a log tail as records, for some services', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    s.engine.add('prod', 'redis');
    s.engine.add('prod', 'worker');
    const id = (svc: string) => s.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === svc)!.Id;
    s.engine.logLines[id('redis')] = [1, 2, 3].map((n) => ({ stream: 'stdout' as const, time: `2025-01-01T00:00:0${n}.000000000Z`, text: `redis line ${n}` }));
    s.engine.logLines[id('worker')] = [{ stream: 'stderr', time: '2025-01-01T00:00:02.500000000Z', text: 'worker line' }];
    const all = (await s.call('GET', '/api/v1/stacks/prod/logs?tail=2')).json();
    expect(all.records.map((r: { line: string }) => r.line)).toEqual(['redis line 2', 'worker line', 'redis line 3']);
    const some = (await s.call('GET', '/api/v1/stacks/prod/logs?service=worker')).json();
    expect(some.records).toEqual([{ service: 'worker', replica: 1, container: 'prod-worker-1', stream: 'stderr', time: '2025-01-01T00:00:02.500000000Z', line: 'worker line' }]);
  });

  it('answers bad input with the error code, key path and HTTP status, and does nothing', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    const cases: [string, string, object | string | undefined, number, ErrorCode, string?][] = [
      ['GET', '/api/v1/stacks/nope', undefined, 404, 'not_found'],
      ['GET', '/api/v1/stacks/Bad%20Name', undefined, 400, 'usage'],
      ['GET', '/api/v1/stacks/..%2F..%2Fetc', undefined, 400, 'usage'],
      ['POST', '/api/v1/stacks/nope/up', {}, 404, 'not_found'],
      ['POST', '/api/v1/stacks/prod/up', { services: ['nope'] }, 400, 'usage'],
      ['POST', '/api/v1/stacks/prod/up', { servces: ['redis'] }, 400, 'usage', 'body.servces'],
      ['POST', '/api/v1/stacks/prod/scale', {}, 400, 'usage', 'body.replicas'],
      ['POST', '/api/v1/stacks/prod/scale', { replicas: { worker: -1 } }, 400, 'usage', 'body.replicas.worker'],
      ['POST', '/api/v1/stacks/prod/scale', { replicas: { postgres: 2, nope: 1 } }, 400, 'usage'],
      ['POST', '/api/v1/stacks/prod/restart', { services: ['nope'] }, 400, 'usage'],
      ['GET', '/api/v1/stacks/prod/logs?service=nope', undefined, 400, 'usage'],
      ['GET', '/api/v1/stacks/prod/logs?tail=-1', undefined, 400, 'usage', 'querystring.tail'],
      ['GET', '/api/v1/jobs/nope', undefined, 404, 'not_found'],
      ['GET', '/api/v1/jobs?state=lost', undefined, 400, 'usage', 'querystring.state'],
      ['POST', '/api/v1/stacks/new', { spec: 'services:\n  postgres:\n    port: 70000\n' }, 400, 'usage', 'services.postgres.port'],
      ['POST', '/api/v1/stacks/new', { spec: 'services: [' }, 400, 'usage'],
      ['POST', '/api/v1/stacks/new', { spec: SPEC, extra: 1 }, 400, 'usage', 'body.extra'],
      ['POST', '/api/v1/stacks/new', { spc: SPEC }, 400, 'usage', 'body.spec'],
      ['POST', '/api/v1/stacks/new', '{not json', 400, 'usage'],
      ['POST', '/api/v1/stacks/new', undefined, 400, 'usage', 'body'],
      ['POST', '/api/v1/stacks/new', 'services:\n  web:\n    component: app\n    image: x\n    volumes: ["./data:/data"]\n', 400, 'usage'],
      ['GET', '/api/v1/nothing', undefined, 404, 'not_found'],
    ];
    for (const [method, url, payload, status, code, at] of cases) {
      const headers = typeof payload === 'string' && !payload.startsWith('{') ? yaml : typeof payload === 'string' ? { 'content-type': 'application/json' } : undefined;
      const r = await s.call(method as 'GET', url, { payload, headers });
      expect([method, url, r.statusCode, r.json().error.code]).toEqual([method, url, status, code]);
      if (at) expect([url, r.json().error.path]).toEqual([url, at]);
    }
    expect((await s.call('POST', '/api/v1/stacks/new', { payload: 'x', headers: { 'content-type': 'application/xml' } })).statusCode).toBe(415);
    expect((await s.call('POST', '/api/v1/stacks/new', { payload: `a: "${'x'.repeat(1_100_000)}"`, headers: yaml })).statusCode).toBe(413);
    expect(fs.existsSync(path.join(s.home, 'stacks', 'new'))).toBe(false);
    expect((await s.call('GET', '/api/v1/jobs')).json().jobs).toEqual([]);
    expect(s.logged).toEqual([]);
  });

  it('maps every error code to an HTTP status; an unexpected error is a 500 the server logs', () => {
    expect(STATUS_OF).toMatchObject({ usage: 400, unauthorized: 401, not_found: 404, read_only: 405, conflict: 409, locked: 409, engine_failed: 502, engine_unreachable: 503, not_ready: 504, io: 500, damaged: 500, failed: 500 });
    const io = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/home/x/.berth/stacks', syscall: 'open' });
    expect(httpError(io, '/home/x/.berth')).toMatchObject({ status: 500, unexpected: false, body: { error: { code: 'io' } } });
    expect(httpError(new TypeError('boom'), '/h')).toEqual({ status: 500, unexpected: true, body: { error: { code: 'failed', message: 'internal error: boom' } } });
  });

  it('no answer holds a secret value of the stack', async () => {
    const s = await testServer();
    const gen = await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    const env = fs.readFileSync(path.join(s.home, 'stacks', 'prod', '.env'), 'utf8');
    const secrets = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD'].map((k) => new RegExp(`^${k}=(.+)$`, 'm').exec(env)![1]!);
    expect(secrets.every((v) => v.length >= 16)).toBe(true);
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    s.engine.logLines[s.engine.containers[0]!.Id] = [{ stream: 'stdout', time: '2025-01-01T00:00:01Z', text: 'ready to accept connections' }];
    const { job } = (await s.call('POST', '/api/v1/stacks/prod/up', { payload: { timeoutSeconds: 5 } })).json();
    await s.ctx.jobs.idle();
    const bodies = [gen.body];
    for (const url of ['/api/v1/stacks', '/api/v1/stacks/prod', '/api/v1/stacks/prod/logs', '/api/v1/jobs', `/api/v1/jobs/${job.id}`, '/api/v1/openapi.json', '/metrics', '/healthz']) {
      const r = await s.call('GET', url);
      expect([url, r.statusCode]).toEqual([url, 200]);
      bodies.push(r.body);
    }
    for (const b of [...bodies, ...s.logged]) for (const v of secrets) expect(b).not.toContain(v);
  });
});
