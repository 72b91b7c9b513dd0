/**
 * Dashboard sessions: logging in with the API token, the cookie (signed,
 * HttpOnly, SameSite=Strict, Secure over TLS, an expiry, nothing but a random
 * id and its HMAC), logging out and expiring for good, forged cookies,
 * CSRF on every change a page makes, the login rate limit, and the bearer
 * API unaffected by any of it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { selfSignedCert } from '../../src/ops/tls.js';
import { SECRET_KEY, SPEC, TOKEN, asBrowser, login, testServer } from './_app.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('dashboard sessions', () => {
  it('logs in with the API token and keeps a signed session cookie holding nothing but an id', async () => {
    const s = await testServer();
    const page = await s.call('GET', '/login', { token: null });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<label for="token">API token/);
    expect(page.body).toMatch(/<input id="token" name="token" type="password"/);
    const r = await s.call('POST', '/login', { token: null, headers: form, payload: `token=${TOKEN}&next=%2Fdeployments` });
    expect([r.statusCode, r.headers.location]).toEqual([303, '/deployments']);
    const set = String(r.headers['set-cookie']);
    expect(set).toMatch(/^berth_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9%+/]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(set).not.toContain(TOKEN);
    expect(set).not.toContain(SECRET_KEY);
    // The records hold a hash of the id, never the id.
    const sid = /^berth_session=([^.]+)\./.exec(set)![1]!;
    const rows = await s.records.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(sid);
    const { cookie } = await login(s);
    expect((await asBrowser(s, cookie)('GET', '/stacks')).statusCode).toBe(200);
    // Logged in, the form goes where it was headed.
    expect((await asBrowser(s, cookie)('GET', '/login?next=/agents')).headers.location).toBe('/agents');
  });

  it('over TLS the cookie is Secure and __Host- prefixed', async () => {
    const s = await testServer({ https: await selfSignedCert(['localhost']) });
    const { setCookie, cookie } = await login(s);
    expect(setCookie).toMatch(/^__Host-berth_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect((await asBrowser(s, cookie)('GET', '/stacks')).statusCode).toBe(200);
  });

  it('refuses a wrong token without a session, and sends pages without one to the login form', async () => {
    const s = await testServer();
    for (const token of ['wrong', `${TOKEN}x`, '']) {
      const r = await s.call('POST', '/login', { token: null, headers: form, payload: `token=${encodeURIComponent(token)}` });
      expect(r.statusCode).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.body).toContain('role="alert"');
    }
    for (const url of ['/', '/stacks', '/stacks/prod', '/deployments', '/deployments/x', '/agents', '/nope']) {
      const r = await s.call('GET', url, { token: null });
      expect([url, r.statusCode, r.headers.location]).toEqual([url, 303, `/login?next=${encodeURIComponent(url)}`]);
    }
    // Parts a page's script fetches, and changes, are refused rather than redirected.
    expect((await s.call('GET', '/parts/stacks', { token: null })).statusCode).toBe(401);
    expect((await s.call('POST', '/stacks/prod/actions', { token: null, headers: form, payload: 'action=up' })).statusCode).toBe(401);
    // The bearer token is not a dashboard session.
    expect((await s.call('GET', '/stacks')).statusCode).toBe(303);
    // The login form sends only to this server's own pages.
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/login']) {
      const r = await s.call('POST', '/login', { token: null, headers: form, payload: new URLSearchParams({ token: TOKEN, next }).toString() });
      expect([next, r.headers.location]).toEqual([next, '/stacks']);
    }
  });

  it('refuses a forged, tampered or foreign cookie', async () => {
    const s = await testServer();
    const { cookie } = await login(s);
    const [name, value] = cookie.split('=') as [string, string];
    const signed = decodeURIComponent(value);
    const other = await testServer({ secretKey: 'another-secret-key-0123456789' });
    const foreign = (await login(other)).cookie;
    for (const bad of [`${name}=${signed.split('.')[0]}`, `${name}=${encodeURIComponent(`${signed.split('.')[0]}x.${signed.split('.')[1]}`)}`, foreign.replace(/^[^=]+/, name)]) {
      expect((await asBrowser(s, bad)('GET', '/stacks')).statusCode).toBe(303);
    }
  });

  it('logging out ends the session on the server: the old cookie opens nothing', async () => {
    const s = await testServer();
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    // Logging out is a change: it needs the CSRF token too.
    expect((await browser('POST', '/logout', {})).statusCode).toBe(403);
    const out = await browser('POST', '/logout', { _csrf: csrf });
    expect([out.statusCode, out.headers.location]).toEqual([303, '/login']);
    expect(String(out.headers['set-cookie'])).toMatch(/^berth_session=; Max-Age=0; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    expect(await s.records.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect((await browser('GET', '/stacks')).statusCode).toBe(303);
    expect((await browser('GET', '/api/v1/stacks')).statusCode).toBe(401);
  });

  it('an event stream a session opened ends once that session is over', async () => {
    const s = await testServer();
    const { cookie, csrf } = await login(s);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.app.server.address() as AddressInfo).port;
    // Only the keep-alive's interval is faked: the stream checks its session when it pings.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => void vi.useRealTimers());
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/events', headers: { cookie } });
    onTestFinished(() => void req.destroy());
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    const ended = new Promise<void>((resolve) => res.on('end', resolve).resume());
    await vi.advanceTimersByTimeAsync(15_000);
    expect(res.complete).toBe(false);
    expect((await asBrowser(s, cookie)('POST', '/logout', { _csrf: csrf })).statusCode).toBe(303);
    await vi.advanceTimersByTimeAsync(15_000);
    await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream outlived its session')), 5000))]);
    expect(res.complete).toBe(true);
  });

  it('a session ends when it expires, and expired sessions are cleared at the next login', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = await testServer({ now: () => now, sessionTtlMs: 3600_000 });
    const { cookie, setCookie } = await login(s);
    expect(setCookie).toContain('Max-Age=3600;');
    now += 3599_000;
    expect((await asBrowser(s, cookie)('GET', '/stacks')).statusCode).toBe(200);
    now += 1000;
    expect((await asBrowser(s, cookie)('GET', '/stacks')).statusCode).toBe(303);
    expect((await asBrowser(s, cookie)('GET', '/api/v1/stacks')).statusCode).toBe(401);
    await login(s);
    expect((await s.records.db.selectFrom('sessions').select('expires_at').execute()).map((r) => r.expires_at)).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  it('every change a page makes needs its session CSRF token; bearer API clients need none', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    const a = await login(s);
    const b = await login(s);
    const browser = asBrowser(s, a.cookie);
    expect(a.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.csrf).not.toBe(b.csrf);
    for (const [fields, headers] of [[{}, {}], [{ _csrf: 'wrong' }, {}], [{ _csrf: b.csrf }, {}], [{}, { 'x-csrf-token': b.csrf }]] as const) {
      const r = await browser('POST', '/stacks/prod/actions', { action: 'down', confirm: 'yes', ...fields }, headers);
      expect(r.statusCode).toBe(403);
      expect(r.body).toContain('CSRF token');
    }
    expect(await s.ctx.jobStore.list({ limit: 10 })).toEqual([]);
    expect((await browser('POST', '/stacks/prod/actions', { action: 'down', confirm: 'yes', _csrf: a.csrf })).statusCode).toBe(303);
    expect((await browser('POST', '/stacks/prod/actions', { action: 'down', confirm: 'yes' }, { 'x-csrf-token': a.csrf, accept: 'application/json' })).statusCode).toBe(202);
    // A session reads the API, and never changes anything through it, CSRF token or not.
    expect((await browser('GET', '/api/v1/jobs')).json().jobs).toHaveLength(2);
    const viaApi = await s.call('POST', '/api/v1/stacks/prod/down', { token: null, headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: {} });
    expect(viaApi.statusCode).toBe(401);
    // The bearer token alone still works as before, without any CSRF token.
    expect((await s.call('POST', '/api/v1/stacks/prod/down', { payload: {} })).statusCode).toBe(202);
    await s.ctx.jobs.idle();
    expect((await s.ctx.jobStore.list({ limit: 10 })).map((j) => j.who).sort()).toEqual(['dashboard@127.0.0.1', 'dashboard@127.0.0.1', 'token@127.0.0.1']);
  });

  it('limits failed logins per address: 5 a minute, then 429 with Retry-After, even for the right token', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = await testServer({ now: () => now });
    const attempt = (token: string, remoteAddress = '10.0.0.1') => s.call('POST', '/login', { token: null, headers: form, payload: `token=${token}`, remoteAddress });
    for (let i = 0; i < 5; i++) {
      expect((await attempt('wrong')).statusCode).toBe(401);
      now += 1000;
    }
    const limited = await attempt(TOKEN);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('55');
    expect(limited.body).toContain('try again in 55 seconds');
    expect(limited.headers['set-cookie']).toBeUndefined();
    // Another address is not held back.
    expect((await attempt(TOKEN, '10.0.0.2')).statusCode).toBe(303);
    now += 55_000;
    expect((await attempt(TOKEN)).statusCode).toBe(303);
    expect(s.logged.filter((l) => l.includes('login refused from 10.0.0.1'))).toHaveLength(5);
  });
});
