/**
 * Cancelling jobs through the API: a job the server runs stops waiting and
 * ends as cancelled; one that ended cannot be cancelled; an agent's job that
 * was not started never runs; reporting servers refuse it like any change.
 */
import { describe, expect, it } from 'vitest';
import { SPEC, startable, testServer } from './_app.js';

describe('POST /api/v1/jobs/{id}/cancel', () => {
  it('stops an up that waits for a service that never gets ready, and the job ends as cancelled', async () => {
    const s = await testServer();
    await s.call('POST', '/api/v1/stacks/prod', { payload: { spec: SPEC } });
    // postgres and redis start healthy; the worker's container is never made, so up waits for it.
    startable(s.engine, 'prod', ['postgres', 'redis']);
    const up = (await s.call('POST', '/api/v1/stacks/prod/up', { payload: { timeoutSeconds: 600 } })).json().job;
    const waiting = async () => ((await s.call('GET', `/api/v1/jobs/${up.id}`)).json().logs as { line: string }[]).some((l) => /healthy/.test(l.line));
    for (let i = 0; i < 200 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 25));
    const r = await s.call('POST', `/api/v1/jobs/${up.id}/cancel`, {});
    expect(r.statusCode, r.body).toBe(202);
    await s.ctx.jobs.idle();
    const done = (await s.call('GET', `/api/v1/jobs/${up.id}`)).json();
    expect(done.job).toMatchObject({ state: 'cancelled', error: { code: 'cancelled', message: 'cancelled by token@127.0.0.1' } });
    expect(done.logs.map((l: { line: string }) => l.line)).toContain('error: cancelled by token@127.0.0.1');
    // Ended: a second cancel is a conflict that says why.
    const again = await s.call('POST', `/api/v1/jobs/${up.id}/cancel`, {});
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'conflict']);
    expect(again.json().error.message).toBe(`job ${up.id} cannot be cancelled: it is cancelled`);
    expect((await s.call('GET', '/api/v1/jobs?state=cancelled')).json().jobs.map((j: { id: string }) => j.id)).toEqual([up.id]);
  });

  it('an unknown job is 404, and without the token 401', async () => {
    const s = await testServer();
    expect((await s.call('POST', '/api/v1/jobs/nope/cancel', {})).statusCode).toBe(404);
    expect((await s.call('POST', '/api/v1/jobs/nope/cancel', { token: null })).statusCode).toBe(401);
  });
});
