/**
 * What describes and watches the server: the OpenAPI document (valid, and
 * listing every route the server has), /metrics in Prometheus's text format,
 * and the events stream delivering a job's states and a stack's change, over
 * a real listening socket.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { SPEC, TOKEN, startable, testServer } from './_app.js';

/** Every route, as Fastify writes its path. */
const ROUTES = [
  'GET /api/v1/stacks',
  'GET /api/v1/stacks/{name}',
  'POST /api/v1/stacks/{name}',
  'POST /api/v1/stacks/{name}/up',
  'POST /api/v1/stacks/{name}/down',
  'POST /api/v1/stacks/{name}/restart',
  'POST /api/v1/stacks/{name}/scale',
  'POST /api/v1/stacks/{name}/rollback',
  'GET /api/v1/stacks/{name}/releases',
  'GET /api/v1/stacks/{name}/logs',
  'GET /api/v1/stacks/{name}/logs/follow',
  'GET /api/v1/jobs',
  'GET /api/v1/jobs/{id}',
  'POST /api/v1/jobs/{id}/cancel',
  'GET /api/v1/events',
  'GET /api/v1/agents',
  'GET /api/v1/agents/{id}',
  'DELETE /api/v1/agents/{id}',
  'POST /api/v1/agents/tokens',
  'POST /api/v1/agents/enroll',
  'POST /api/v1/agents/{id}/jobs',
  'POST /api/v1/agent/heartbeat',
  'GET /api/v1/agent/jobs/next',
  'GET /api/v1/agent/jobs/{id}',
  'POST /api/v1/agent/jobs/{id}/ack',
  'POST /api/v1/agent/jobs/{id}/log',
  'POST /api/v1/agent/jobs/{id}/result',
  'GET /api/v1/openapi.json',
  'GET /healthz',
  'GET /metrics',
];

describe('documents and streams', () => {
  it('serves a valid OpenAPI document that lists every route, with bearer auth but on /healthz', async () => {
    const s = await testServer();
    const doc = (await s.call('GET', '/api/v1/openapi.json')).json();
    const v = new Validator();
    const res = await v.validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    const listed = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(listed.sort()).toEqual([...ROUTES].sort());
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/agents/enroll'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/agent/heartbeat'].post.security).toEqual([{ agent: [] }]);
    expect(Object.keys(doc.paths['/api/v1/stacks/{name}'].post.requestBody.content).sort()).toEqual(['application/json', 'text/yaml']);
    expect(doc.components.schemas.Job.properties.state.enum).toEqual(['queued', 'leased', 'running', 'succeeded', 'failed', 'cancelled']);
    // Every route the document lists answers (with the token) something other than "no route".
    for (const r of ROUTES.filter((x) => !x.includes('events'))) {
      const [method, p] = r.split(' ') as [string, string];
      const res = await s.call(method as 'GET', p.replace('{name}', 'prod').replace('{id}', 'x'), { payload: method === 'POST' ? {} : undefined });
      expect([r, res.body]).not.toEqual([r, expect.stringContaining('no route')]);
    }
  });

  it('serves metrics in the Prometheus text format: requests, latency, stacks and jobs by state, the process', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    await s.call('GET', '/api/v1/stacks/prod');
    await s.call('GET', '/api/v1/stacks/nope');
    const r = await s.call('GET', '/metrics');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = r.body;
    expect(text).toContain('# TYPE berth_http_requests_total counter');
    expect(text).toContain('berth_http_requests_total{method="GET",route="/api/v1/stacks/:name",status="200"} 1');
    expect(text).toContain('berth_http_requests_total{method="GET",route="/api/v1/stacks/:name",status="404"} 1');
    expect(text).toContain('# TYPE berth_http_request_duration_seconds histogram');
    expect(text).toMatch(/berth_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/api\/v1\/stacks\/:name",status="201"\} 1/);
    expect(text).toContain('berth_stacks{state="stopped"} 1');
    expect(text).toContain('berth_engine_up 1');
    expect(text).toContain('berth_jobs{state="succeeded"} 0');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // Every line is a comment, a sample, or empty: the text format.
    for (const line of text.split('\n')) expect(line).toMatch(/^(#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|nan|[+-]inf)|)$/i);
    // Prometheus's own parser and linter: berth's metrics pass both (prom-client's process metrics draw naming lints only).
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (check.error && process.env.CI !== 'true') return console.warn('promtool not found: metrics not checked by Prometheus (scripts/install-test-deps installs it)');
    const problems = `${check.stdout}${check.stderr}`.split('\n').filter(Boolean);
    expect(problems.filter((p) => !/^nodejs_\w+ non-counter metrics should not have "_total" suffix$/.test(p))).toEqual([]);
  });

  it('streams a job\'s state changes and a stack\'s new state as Server-Sent Events', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.app.server.address() as AddressInfo).port;
    const events: { event: string; data: Record<string, any> }[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events', headers: { authorization: `Bearer ${TOKEN}` } });
    onTestFinished(() => void req.destroy());
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let buf = '';
    res.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    });
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(ok(), what).toBe(true);
    };
    await until('the stack as first seen', () => events.some((e) => e.event === 'stack' && e.data.stack.name === 'prod' && e.data.stack.state === 'stopped'));
    startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
    const { job } = (await s.call('POST', '/api/v1/stacks/prod/up', { payload: { timeoutSeconds: 5 } })).json();
    await s.ctx.jobs.idle();
    await until('the job to succeed', () => events.some((e) => e.event === 'job' && e.data.job.state === 'succeeded'));
    const states = events.filter((e) => e.event === 'job' && e.data.job.id === job.id).map((e) => e.data.job.state);
    expect(states).toEqual(['queued', 'running', 'succeeded']);
    expect(events.some((e) => e.event === 'job.log' && e.data.id === job.id && e.data.line === 'up of stack prod succeeded')).toBe(true);
    await until('the stack to be running', () => events.some((e) => e.event === 'stack' && e.data.stack.state === 'running'));
    expect(events.find((e) => e.event === 'stack' && e.data.stack.state === 'running')!.data.stack).toEqual({ name: 'prod', state: 'running', ready: 3, activeServices: 3 });
  });
});
