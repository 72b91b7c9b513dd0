/**
 * The agent daemon against a server listening on a real socket (the engine
 * in memory): it enrolls once and keeps its credential at mode 0600, shows
 * online with its host facts, takes a job as soon as it is queued and sends
 * back its lines and its end; a job it had started when it stopped is
 * reported failed when it comes back, not run again; a revoked agent stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, agentConfig, type RunningAgent } from '../../src/agent/index.js';
import { AgentState } from '../../src/agent/state.js';
import { tempHome } from '../helpers/cli.js';
import { testDeps } from '../helpers/deps.js';
import { until } from '../e2e/harness.js';
import { testServer } from './_app.js';

const running: RunningAgent[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.close();
});

async function setup() {
  const s = await testServer({ agentTimes: { sweepMs: 100 } });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  const home = tempHome('berth-agent-');
  const token = async () => (await s.call('POST', '/api/v1/agents/tokens', { payload: {} })).json().token as string;
  const start = async (enrollToken?: string) => {
    const cfg = agentConfig({ serverUrl: url, enrollToken, port: '0', host: '127.0.0.1', interval: '1' }, {}, home, home);
    const a = await startAgent(cfg, testDeps(home), () => undefined);
    running.push(a);
    return a;
  };
  const job = (id: string) => s.call('GET', `/api/v1/jobs/${id}`).then((r) => r.json());
  return { s, home, token, start, job };
}

describe('the agent daemon', () => {
  it('enrolls once, keeps its credential to itself, and shows online with its host facts', async () => {
    const { s, home, token, start } = await setup();
    const a = await start(await token());
    const file = path.join(home, 'agent', 'credential.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const agents = (await s.call('GET', '/api/v1/agents')).json().agents;
    expect(agents).toEqual([expect.objectContaining({ id: a.agentId, online: true, intervalSeconds: 1, facts: expect.objectContaining({ cpus: expect.any(Number), memoryBytes: expect.any(Number), gpus: [] }) })]);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    await running.pop()!.close();
    // Started again, it keeps its credential: the spent token is not needed.
    const again = await start();
    expect(again.agentId).toBe(a.agentId);
    expect((await s.call('GET', '/api/v1/agents')).json().agents).toHaveLength(1);
  });

  it('takes a queued job at once and sends back its lines and its end', async () => {
    const { s, token, start, job } = await setup();
    const a = await start(await token());
    const q = (await s.call('POST', `/api/v1/agents/${a.agentId}/jobs`, { payload: { action: 'status', stack: 'nothing-here' } })).json().job;
    const done = await until('the job to end', async () => ((await job(q.id)).job.state === 'failed' ? job(q.id) : undefined), 10_000, 50);
    expect(done.job).toMatchObject({ agent: a.agentId, attempts: 1, error: { code: 'not_found' } });
    expect(done.logs.map((l: { line: string }) => l.line)).toEqual(['status of stack nothing-here started on this agent', expect.stringMatching(/^error: .*nothing-here/)]);
  });

  it('reports a job it had started when it stopped as failed, and does not run it again', async () => {
    const { s, home, token, start, job } = await setup();
    const first = await start(await token());
    await running.pop()!.close();
    // What an agent killed in the middle of a job leaves: a leased, acknowledged job, recorded as started.
    const q = (await s.call('POST', `/api/v1/agents/${first.agentId}/jobs`, { payload: { action: 'up', stack: 'web' } })).json().job;
    const lease = (await s.ctx.agents.next(first.agentId, 0))!;
    await s.ctx.agents.ack(first.agentId, q.id, lease.leaseId);
    new AgentState(path.join(home, 'agent')).start({ id: q.id, leaseId: lease.leaseId, action: 'up', stack: 'web' });
    await start();
    const j = await job(q.id);
    expect(j.job).toMatchObject({ state: 'failed', attempts: 1, error: { message: expect.stringContaining('the agent stopped while it ran this job') } });
    expect(j.logs).toEqual([]);
    expect(new AgentState(path.join(home, 'agent')).started()).toEqual([]);
  });

  it('stops by itself once revoked', async () => {
    const { s, token, start } = await setup();
    const a = await start(await token());
    await s.call('DELETE', `/api/v1/agents/${a.agentId}`);
    const why = await a.ended;
    expect(why).toMatchObject({ code: 'unauthorized' });
  });
});
