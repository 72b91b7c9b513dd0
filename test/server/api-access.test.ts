/**
 * Who may ask what: the token on every endpoint but /healthz, compared in
 * constant time; /metrics open only with --public-metrics; a reporting server
 * refuses every change with 405 and changes nothing, and is open only with
 * --public.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenMatches } from '../../src/server/auth.js';
import { SPEC, TOKEN, testServer } from './_app.js';

/** One request to every route (and to no route), with what a route needs. */
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/stacks'],
  ['GET', '/api/v1/stacks/prod'],
  ['POST', '/api/v1/stacks/prod', { spec: SPEC }],
  ['POST', '/api/v1/stacks/prod/up', {}],
  ['POST', '/api/v1/stacks/prod/down', {}],
  ['POST', '/api/v1/stacks/prod/restart', {}],
  ['POST', '/api/v1/stacks/prod/scale', { replicas: { worker: 2 } }],
  ['GET', '/api/v1/stacks/prod/logs'],
  ['GET', '/api/v1/jobs'],
  ['GET', '/api/v1/jobs/some-id'],
  ['GET', '/api/v1/events'],
  ['GET', '/api/v1/agents'],
  ['GET', '/api/v1/agents/some-id'],
  ['DELETE', '/api/v1/agents/some-id'],
  ['POST', '/api/v1/agents/tokens', {}],
  ['POST', '/api/v1/agents/some-id/jobs', { action: 'status', stack: 'prod' }],
  ['GET', '/api/v1/openapi.json'],
  ['GET', '/metrics'],
  ['GET', '/api/v1/no-such-route'],
  ['DELETE', '/api/v1/stacks/prod'],
];

describe('access', () => {
  it('every endpoint but /healthz answers 401 without the token or with a wrong one, and does nothing', async () => {
    const s = await testServer();
    for (const [method, url, payload] of ROUTES) {
      for (const token of [null, 'wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
        const r = await s.call(method as 'GET', url, { token, payload: payload as object });
        expect([method, url, token, r.statusCode]).toEqual([method, url, token, 401]);
        expect(r.headers['www-authenticate']).toBe('Bearer realm="berth"');
        expect(r.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } });
      }
    }
    // Basic auth, or the token without its scheme, is not a bearer token.
    expect((await s.call('GET', '/api/v1/stacks', { token: null, headers: { authorization: TOKEN } })).statusCode).toBe(401);
    expect((await s.call('GET', '/api/v1/stacks', { token: null, headers: { authorization: `Basic ${TOKEN}` } })).statusCode).toBe(401);
    expect(fs.existsSync(path.join(s.home, 'stacks'))).toBe(false);
    expect(s.runner.commands).toEqual([]);
    expect((await s.call('GET', '/healthz', { token: null })).json()).toEqual({ status: 'ok', mode: 'web', storage: 'sqlite', version: expect.any(String) });
    expect((await s.call('GET', '/api/v1/stacks')).statusCode).toBe(200);
  });

  it('the token is compared whole, in constant time', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN + TOKEN, TOKEN)).toBe(false);
  });

  it('/metrics is open with --public-metrics, and the API still is not', async () => {
    const s = await testServer({ publicMetrics: true });
    expect((await s.call('GET', '/metrics', { token: null })).statusCode).toBe(200);
    expect((await s.call('GET', '/api/v1/stacks', { token: null })).statusCode).toBe(401);
  });

  it('a reporting server refuses every change with 405 and changes nothing, token or not', async () => {
    const web = await testServer();
    expect((await web.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } })).statusCode).toBe(201);
    const s = await testServer({ mode: 'reporting', home: web.home });
    const before = fs.readFileSync(path.join(s.home, 'stacks', 'prod', '.berth.json'), 'utf8');
    for (const [method, url, payload] of ROUTES) {
      for (const m of method === 'GET' ? ['POST', 'PUT', 'PATCH', 'DELETE'] : [method]) {
        for (const token of [TOKEN, null]) {
          const r = await s.call(m as 'POST', url, { token, payload: (payload ?? {}) as object });
          expect([m, url, r.statusCode]).toEqual([m, url, 405]);
          expect(r.headers.allow).toBe('GET, HEAD');
          expect(r.json().error.code).toBe('read_only');
        }
      }
    }
    expect(s.runner.commands).toEqual([]);
    expect(fs.readFileSync(path.join(s.home, 'stacks', 'prod', '.berth.json'), 'utf8')).toBe(before);
    expect((await s.call('GET', '/api/v1/jobs')).json()).toEqual({ jobs: [] });
    // Reading is as on the web server: with the token.
    expect((await s.call('GET', '/api/v1/stacks')).json().stacks.map((x: { name: string }) => x.name)).toEqual(['prod']);
    expect((await s.call('GET', '/api/v1/stacks', { token: null })).statusCode).toBe(401);
    expect((await s.call('HEAD', '/api/v1/stacks')).statusCode).toBe(200);
  });

  it('BERTH_READ_ONLY makes a web server read-only too', async () => {
    const s = await testServer({ readOnly: true });
    expect((await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } })).statusCode).toBe(405);
  });

  it('a reporting server started with --public answers reads without a token, and still refuses changes', async () => {
    const s = await testServer({ mode: 'reporting', publicApi: true });
    expect((await s.call('GET', '/api/v1/stacks', { token: null })).statusCode).toBe(200);
    expect((await s.call('GET', '/api/v1/openapi.json', { token: null })).statusCode).toBe(200);
    expect((await s.call('GET', '/metrics', { token: null })).statusCode).toBe(401);
    expect((await s.call('POST', '/api/v1/stacks/prod', { token: null, payload: { spec: SPEC } })).statusCode).toBe(405);
  });
});
