/**
 * Agents through the API: one-time enrollment tokens (single use, expiring,
 * kept hashed), the credential enrollment returns (kept hashed, the only key
 * to the agent's routes), heartbeats and offline after three of the agent's
 * own intervals, jobs queued for an agent and handed to its long poll at
 * once, leases an agent holds for its own jobs only, revoking, and a
 * reporting server that enrolls nobody.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TOKEN, testServer } from './_app.js';

type S = Awaited<ReturnType<typeof testServer>>;

async function enrolled(s: S, name: string, intervalSeconds = 5) {
  const t = await s.call('POST', '/api/v1/agents/tokens', { payload: {} });
  expect(t.statusCode).toBe(201);
  const r = await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token: t.json().token, name, intervalSeconds } });
  expect(r.statusCode, r.body).toBe(201);
  const { agent, credential } = r.json() as { agent: { id: string }; credential: string };
  const as = (method: 'GET' | 'POST', url: string, payload?: object) => s.call(method, url, { token: credential, ...(payload ? { payload } : {}) });
  return { id: agent.id, credential, as };
}

const heartbeat = { intervalSeconds: 5, facts: { hostname: 'gpu1', cpus: 8 }, stacks: [{ name: 'web', state: 'running', ready: 1, activeServices: 1 }] };

describe('agents', () => {
  it('enrolls with a token once; the token and credential are kept only as hashes', async () => {
    const s = await testServer();
    const t = (await s.call('POST', '/api/v1/agents/tokens', { payload: { ttlSeconds: 600 } })).json();
    expect(t.token).toMatch(/^berth-enroll-[A-Za-z0-9_-]{43}$/);
    const enroll = (name: string) => s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token: t.token, name, intervalSeconds: 5 } });
    const first = await enroll('gpu1');
    expect(first.statusCode).toBe(201);
    expect(first.json().agent).toMatchObject({ name: 'gpu1', online: false, intervalSeconds: 5 });
    const second = await enroll('gpu2');
    expect(second.statusCode).toBe(401);
    expect(second.json().error).toMatchObject({ code: 'unauthorized', path: 'token' });
    const { credential } = first.json();
    const tokens = await sql<{ id: string }>`select id from enrollment_tokens`.execute(s.records.db);
    const agents = await sql<{ credential_hash: string }>`select credential_hash from agents`.execute(s.records.db);
    const dump = JSON.stringify([tokens.rows, agents.rows]);
    expect(dump).not.toContain(t.token);
    expect(dump).not.toContain(credential.split('.')[1]);
    // Neither the credential nor its hash is in any answer after the enrollment.
    const list = (await s.call('GET', '/api/v1/agents')).body;
    expect(list).not.toContain(credential.split('.')[1]);
    expect(list).not.toContain(agents.rows[0]!.credential_hash);
  });

  it('refuses an expired token, a made-up one, and a body without one', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = await testServer({ now: () => now });
    const t = (await s.call('POST', '/api/v1/agents/tokens', { payload: { ttlSeconds: 60 } })).json();
    now += 61_000;
    for (const token of [t.token, 'berth-enroll-' + 'x'.repeat(43), 'anything']) {
      const r = await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token, name: 'a', intervalSeconds: 5 } });
      expect(r.statusCode).toBe(401);
    }
    expect((await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { name: 'a', intervalSeconds: 5 } })).statusCode).toBe(400);
    expect((await s.call('GET', '/api/v1/agents')).json().agents).toEqual([]);
  });

  it("answers an agent's routes only with its own credential: not without one, a wrong one, or the API token", async () => {
    const s = await testServer();
    const a = await enrolled(s, 'a');
    const wrong = [null, TOKEN, `${a.credential}x`, `${a.id}.${'A'.repeat(43)}`, a.credential.split('.')[1]!];
    for (const token of wrong) {
      for (const [method, url] of [['POST', '/api/v1/agent/heartbeat'], ['GET', '/api/v1/agent/jobs/next?waitSeconds=0'], ['POST', '/api/v1/agent/jobs/x/ack'], ['GET', '/api/v1/agent/jobs/x']] as const) {
        const r = await s.call(method, url, { token, payload: method === 'POST' ? heartbeat : undefined });
        expect([token, url, r.statusCode]).toEqual([token, url, 401]);
      }
    }
    // The credential opens no route of the API's.
    expect((await s.call('GET', '/api/v1/stacks', { token: a.credential })).statusCode).toBe(401);
    expect((await a.as('POST', '/api/v1/agent/heartbeat', heartbeat)).statusCode).toBe(200);
  });

  it('is online after a heartbeat, and offline after three of its own intervals without one', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = await testServer({ now: () => now, agentTimes: { sweepMs: 0 } });
    const a = await enrolled(s, 'gpu1', 2);
    expect((await a.as('POST', '/api/v1/agent/heartbeat', { ...heartbeat, intervalSeconds: 2 })).json().agent).toMatchObject({ online: true, facts: { hostname: 'gpu1', cpus: 8 }, stacks: [{ name: 'web' }] });
    now += 6_000;
    expect((await s.call('GET', `/api/v1/agents/${a.id}`)).json().agent.online).toBe(true);
    now += 1;
    expect((await s.call('GET', `/api/v1/agents/${a.id}`)).json().agent.online).toBe(false);
    // A slower agent is judged by its own interval.
    await a.as('POST', '/api/v1/agent/heartbeat', { ...heartbeat, intervalSeconds: 60 });
    now += 179_000;
    expect((await s.call('GET', '/api/v1/agents')).json().agents[0].online).toBe(true);
    const metrics = (await s.call('GET', '/metrics')).body;
    expect(metrics).toContain('berth_agents{state="online"} 1');
  });

  it("hands a job to its agent's waiting long poll at once, under a lease only that agent can use", async () => {
    const s = await testServer();
    const a = await enrolled(s, 'a');
    const b = await enrolled(s, 'b');
    const waiting = a.as('GET', '/api/v1/agent/jobs/next?waitSeconds=20');
    const q = await s.call('POST', `/api/v1/agents/${a.id}/jobs`, { payload: { action: 'deploy', stack: 'demo', spec: 'services:\n  redis: {}\n' } });
    expect(q.statusCode).toBe(202);
    const job = q.json().job;
    expect(job).toMatchObject({ agent: a.id, action: 'deploy', state: 'queued', stack: 'demo' });
    const got = await waiting;
    expect(got.statusCode).toBe(200);
    const { leaseId } = got.json();
    expect(got.json().job).toMatchObject({ id: job.id, state: 'leased', attempts: 1, params: { spec: 'services:\n  redis: {}\n' } });
    // b sees nothing of a's job, and cannot move it even with a's lease.
    expect((await b.as('GET', '/api/v1/agent/jobs/next?waitSeconds=0')).statusCode).toBe(204);
    expect((await b.as('GET', `/api/v1/agent/jobs/${job.id}`)).statusCode).toBe(404);
    expect((await b.as('POST', `/api/v1/agent/jobs/${job.id}/ack`, { leaseId })).statusCode).toBe(409);
    expect((await b.as('POST', `/api/v1/agent/jobs/${job.id}/result`, { leaseId, ok: true })).statusCode).toBe(409);
    expect((await a.as('POST', `/api/v1/agent/jobs/${job.id}/ack`, { leaseId: 'not-it' })).statusCode).toBe(409);
    expect((await a.as('POST', `/api/v1/agent/jobs/${job.id}/ack`, { leaseId })).json().job.state).toBe('running');
    const line = (seq: number, text: string) => ({ seq, time: new Date().toISOString(), line: text });
    expect((await a.as('POST', `/api/v1/agent/jobs/${job.id}/log`, { leaseId, lines: [line(1, 'generated'), line(2, 'redis healthy')] })).statusCode).toBe(204);
    // Lines sent twice (an answer lost on the way) are kept once.
    await a.as('POST', `/api/v1/agent/jobs/${job.id}/log`, { leaseId, lines: [line(2, 'redis healthy'), line(3, 'done')] });
    expect((await a.as('POST', `/api/v1/agent/jobs/${job.id}/result`, { leaseId, ok: true, result: { ready: true } })).json().job.state).toBe('succeeded');
    const shown = (await s.call('GET', `/api/v1/jobs/${job.id}`)).json();
    expect(shown.job).toMatchObject({ state: 'succeeded', agent: a.id, result: { ready: true } });
    expect(shown.logs.map((l: { line: string }) => l.line)).toEqual(['generated', 'redis healthy', 'done']);
    expect((await s.call('GET', `/api/v1/agents/${a.id}`)).json().jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
  });

  it('checks a job before queueing it: names as the CLI does, a valid stack.yaml, no command to run', async () => {
    const s = await testServer();
    const a = await enrolled(s, 'a');
    const post = (payload: object) => s.call('POST', `/api/v1/agents/${a.id}/jobs`, { payload });
    expect((await post({ action: 'exec', stack: 'demo' })).statusCode).toBe(400);
    expect((await post({ action: 'up', stack: 'demo', command: ['sh', '-c', 'id'] })).json().error.path).toBe('body.command');
    expect((await post({ action: 'up', stack: '../etc' })).json().error).toMatchObject({ code: 'usage', path: 'stack' });
    expect((await post({ action: 'deploy', stack: 'demo' })).json().error.path).toBe('spec');
    expect((await post({ action: 'deploy', stack: 'demo', spec: 'services:\n  redis: {port: 70000}\n' })).statusCode).toBe(400);
    expect((await post({ action: 'up', stack: 'demo', services: ['a b'] })).json().error.path).toBe('services');
    expect((await s.call('POST', '/api/v1/agents/no-such/jobs', { payload: { action: 'up', stack: 'demo' } })).statusCode).toBe(404);
    expect((await s.call('GET', '/api/v1/jobs')).json().jobs).toEqual([]);
  });

  it('revokes an agent: its credential opens nothing, its open jobs fail, and it takes no more', async () => {
    const s = await testServer();
    const a = await enrolled(s, 'a');
    const job = (await s.call('POST', `/api/v1/agents/${a.id}/jobs`, { payload: { action: 'status', stack: 'demo' } })).json().job;
    const r = await s.call('DELETE', `/api/v1/agents/${a.id}`);
    expect(r.json().agent).toMatchObject({ online: false, revokedAt: expect.any(String) });
    expect((await a.as('POST', '/api/v1/agent/heartbeat', heartbeat)).statusCode).toBe(401);
    expect((await s.call('GET', `/api/v1/jobs/${job.id}`)).json().job).toMatchObject({ state: 'failed', error: { message: 'agent a was revoked' } });
    expect((await s.call('DELETE', `/api/v1/agents/${a.id}`)).statusCode).toBe(409);
    expect((await s.call('POST', `/api/v1/agents/${a.id}/jobs`, { payload: { action: 'status', stack: 'demo' } })).statusCode).toBe(409);
  });

  it('gives back a job its agent never acknowledged, and fails a started one whose lease ran out', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = await testServer({ now: () => now, agentTimes: { sweepMs: 0, ackMs: 1000, leaseMs: 5000, maxAttempts: 2 } });
    const a = await enrolled(s, 'a');
    const id = (await s.call('POST', `/api/v1/agents/${a.id}/jobs`, { payload: { action: 'up', stack: 'demo' } })).json().job.id;
    const first = (await a.as('GET', '/api/v1/agent/jobs/next?waitSeconds=0')).json();
    now += 1001;
    await s.ctx.agents.sweep();
    const again = (await a.as('GET', '/api/v1/agent/jobs/next?waitSeconds=0')).json();
    expect(again.job).toMatchObject({ id, attempts: 2 });
    expect((await a.as('POST', `/api/v1/agent/jobs/${id}/ack`, { leaseId: first.leaseId })).statusCode).toBe(409);
    expect((await a.as('POST', `/api/v1/agent/jobs/${id}/ack`, { leaseId: again.leaseId })).statusCode).toBe(200);
    now += 4000;
    await a.as('POST', `/api/v1/agent/jobs/${id}/log`, { leaseId: again.leaseId, lines: [] });
    now += 4000;
    await s.ctx.agents.sweep();
    expect((await s.call('GET', `/api/v1/jobs/${id}`)).json().job.state).toBe('running');
    now += 1001;
    await s.ctx.agents.sweep();
    expect((await s.call('GET', `/api/v1/jobs/${id}`)).json().job).toMatchObject({ state: 'failed', error: { message: expect.stringContaining('not run again') } });
    expect((await a.as('POST', `/api/v1/agent/jobs/${id}/result`, { leaseId: again.leaseId, ok: true })).statusCode).toBe(409);
  });

  it("never shows a token or a credential again: not in the agents' API, jobs, events, metrics or the server's log", async () => {
    const s = await testServer();
    const t = (await s.call('POST', '/api/v1/agents/tokens', { payload: {} })).json().token as string;
    const { credential } = (await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token: t, name: 'a', intervalSeconds: 5 } })).json();
    const secret = (credential as string).split('.')[1]!;
    await s.call('POST', '/api/v1/agent/heartbeat', { token: credential, payload: heartbeat });
    const id = (await s.call('GET', '/api/v1/agents')).json().agents[0].id;
    await s.call('POST', `/api/v1/agents/${id}/jobs`, { payload: { action: 'status', stack: 'demo' } });
    const next = await s.call('GET', '/api/v1/agent/jobs/next?waitSeconds=0', { token: credential });
    const seen = [
      (await s.call('GET', '/api/v1/agents')).body,
      (await s.call('GET', `/api/v1/agents/${id}`)).body,
      (await s.call('GET', '/api/v1/jobs')).body,
      next.body,
      (await s.call('GET', '/metrics')).body,
      s.logged.join('\n'),
    ].join('\n');
    for (const value of [t, t.slice('berth-enroll-'.length), secret, TOKEN]) expect(seen).not.toContain(value);
  });

  it('a reporting server enrolls no agent and takes no heartbeat', async () => {
    const s = await testServer({ mode: 'reporting' });
    const r = await s.call('POST', '/api/v1/agents/enroll', { token: null, payload: { token: 'berth-enroll-x', name: 'a', intervalSeconds: 5 } });
    expect(r.statusCode).toBe(405);
    expect((await s.call('POST', '/api/v1/agents/tokens', { payload: {} })).statusCode).toBe(405);
    expect((await s.call('POST', '/api/v1/agent/heartbeat', { payload: heartbeat })).statusCode).toBe(405);
    expect((await s.call('GET', '/api/v1/agents')).json()).toEqual({ agents: [] });
  });
});
