/**
 * Releases of a stack on the server's host through the API and the
 * dashboard: each up job is one, GET .../releases lists them, a rollback is
 * a job that puts one back (its files), and the stack page offers it for a
 * healthy earlier release, confirmed first; an agent takes the same two jobs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAgentJob } from '../../src/ops/agent-jobs.js';
import { SPEC, asBrowser, login, startable, testServer } from './_app.js';

const V2 = SPEC.replace('command: [work]', 'command: [work, --v2]');

async function twoReleases() {
  const s = await testServer();
  startable(s.engine, 'prod', ['postgres', 'redis', 'worker']);
  for (const spec of [SPEC, V2]) {
    expect((await s.call('POST', '/api/v1/stacks/prod', { payload: { spec } })).statusCode).toBeLessThan(300);
    expect((await s.call('POST', '/api/v1/stacks/prod/up', { payload: { timeoutSeconds: 5 } })).statusCode).toBe(202);
    await s.ctx.jobs.idle();
  }
  return s;
}

describe('releases through the server', () => {
  it('lists the ups as releases, and a rollback job puts release 1 back', async () => {
    const s = await twoReleases();
    const list = (await s.call('GET', '/api/v1/stacks/prod/releases')).json();
    expect(list.current).toEqual({ here: 2 });
    expect(list.releases.map((r: { number: number; result: string }) => [r.number, r.result])).toEqual([[2, 'healthy'], [1, 'healthy']]);
    const compose = () => fs.readFileSync(path.join(s.home, 'stacks', 'prod', 'docker-compose.yaml'), 'utf8');
    expect(compose()).toContain('--v2');

    const job = await s.call('POST', '/api/v1/stacks/prod/rollback', { payload: { release: 1, timeoutSeconds: 5 } });
    expect(job.statusCode).toBe(202);
    await s.ctx.jobs.idle();
    const done = (await s.call('GET', `/api/v1/jobs/${job.json().job.id}`)).json().job;
    expect(done).toMatchObject({ action: 'rollback', state: 'succeeded', result: { stack: 'prod', release: 1, runs: 1 } });
    expect(compose()).not.toContain('--v2');
    expect((await s.call('GET', '/api/v1/stacks/prod/releases')).json().current).toEqual({ here: 1 });
  });

  it('refuses a release that never ran here, and a rollback of a stack without releases, at once', async () => {
    const s = await twoReleases();
    const bad = await s.call('POST', '/api/v1/stacks/prod/rollback', { payload: { release: 9 } });
    expect([bad.statusCode, bad.json().error]).toEqual([404, { code: 'not_found', path: 'release', message: 'release: stack prod has no release 9 on this host; its releases here: 1, 2' }]);
    expect((await s.call('POST', '/api/v1/stacks/other', { payload: { spec: SPEC } })).statusCode).toBe(201);
    expect((await s.call('POST', '/api/v1/stacks/other/rollback', { payload: {} })).statusCode).toBe(404);
    expect((await s.call('POST', '/api/v1/stacks/prod/rollback', { payload: { release: 0 } })).statusCode).toBe(400);
  });

  it('the stack page lists them and offers to put a healthy earlier one back, after a confirmation', async () => {
    const s = await twoReleases();
    const { cookie, csrf } = await login(s);
    const browser = asBrowser(s, cookie);
    const page = (await browser('GET', '/stacks/prod')).body;
    expect(page).toContain('<h2 id="releases-title">Releases on this host</h2>');
    expect(page).toMatch(/<tr data-release="2"><th scope="row">2 <strong>\(running\)<\/strong>/);
    expect(page).toContain('<button type="submit" class="danger">Roll back to 1</button>');
    expect(page).not.toContain('Roll back to 2');
    const ask = await browser('POST', '/stacks/prod/actions', { action: 'rollback', release: '1', _csrf: csrf });
    expect(ask.body).toContain('Put release 1 of stack prod back on this host?');
    expect(await s.ctx.jobStore.list({ limit: 5 })).toHaveLength(2);
    const go = await browser('POST', '/stacks/prod/actions', { action: 'rollback', release: '1', confirm: 'yes', _csrf: csrf });
    expect(go.statusCode).toBe(303);
    await s.ctx.jobs.idle();
    expect((await s.call('GET', '/api/v1/stacks/prod/releases')).json().current).toEqual({ here: 1 });
  });

  it('an agent takes releases and rollback jobs, a release only with a rollback', () => {
    expect(checkAgentJob({ action: 'rollback', stack: 'prod', release: 3 })).toEqual({ action: 'rollback', stack: 'prod', params: { release: 3 } });
    expect(checkAgentJob({ action: 'releases', stack: 'prod' }).action).toBe('releases');
    expect(() => checkAgentJob({ action: 'up', stack: 'prod', release: 3 })).toThrow('release: only a rollback takes one');
  });
});
