/**
 * berth agent on the real engine: a server (`berth serve web` of the built
 * CLI, HTTPS with its self-signed certificate) and an agent (the built CLI
 * with a BERTH_HOME of its own, trusting the server by the fingerprint the
 * server logged) enroll with a token from `berth agent token create`, show
 * online with this host's facts, deploy a small stack through the API that
 * runs and reports healthy; the agent stopped shows offline, a job queued
 * meanwhile waits, and once the agent is back it runs, once. An agent
 * killed in the middle of a job says so when it is back, and does not run
 * the job again. Each deploy through the agent is a release on its host,
 * and a rollback job puts an earlier one back.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Transport } from '../../src/agent/transport.js';
import { Sandbox, freePort, until } from './harness.js';

const engine = inject('engine');
const INTERVAL_S = 1;

describe.skipIf(!engine)('berth agent against a real engine', () => {
  let serverSb: Sandbox;
  let agentSb: Sandbox;
  let server: ReturnType<Sandbox['start']> | undefined;
  let agent: ReturnType<Sandbox['start']> | undefined;
  let transport: Transport;
  let base: string;
  let fingerprint: string;
  const token = randomBytes(24).toString('hex');

  const api = async (method: string, url: string, body?: unknown) => {
    const r = await transport.request(method, url, { bearer: token, body });
    return { status: r.status, json: r.body as any };
  };
  const agents = async () => (await api('GET', '/api/v1/agents')).json.agents as any[];
  const job = async (id: string) => (await api('GET', `/api/v1/jobs/${id}`)).json;
  const ended = (id: string) => until(`job ${id} to end`, async () => ['succeeded', 'failed'].includes((await job(id)).job.state) && job(id), 240_000, 250);
  const agentArgs = (port: number) => ['agent', '--server-url', base, '--server-fingerprint', fingerprint, '--interval', String(INTERVAL_S), '--port', String(port), '--name', 'e2e-agent'];
  const startAgent = async (env: Record<string, string> = {}) => {
    const port = await freePort();
    agent = agentSb.start(agentArgs(port), { BERTH_AUTH_TOKEN: '', ...env });
    return port;
  };

  beforeAll(async () => {
    serverSb = new Sandbox();
    agentSb = new Sandbox();
    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    server = serverSb.start(['serve', 'web', '--host', '127.0.0.1', '--port', String(port)], { BERTH_AUTH_TOKEN: token, BERTH_SECRET_KEY: randomBytes(32).toString('hex') });
    fingerprint = await until('the server to log its certificate', async () => /fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(server!.output())?.[1], 60_000, 100);
    transport = new Transport(base, { kind: 'fingerprint', sha256: fingerprint.replace(/:/g, '').toLowerCase() });
    await until('the server to answer', async () => (await transport.request('GET', '/healthz')).status === 200, 30_000, 200);
  });

  afterAll(async () => {
    if (agent) await agent.interrupt();
    if (server) await server.interrupt();
    transport?.close();
    await agentSb?.cleanup();
    await serverSb?.cleanup();
  });

  it('enrolls, deploys a stack on its host, goes offline when stopped, and runs what was queued once it is back', async () => {
    const made = await serverSb.berth(['agent', 'token', 'create', '--server-url', base, '--server-fingerprint', fingerprint], { env: { BERTH_AUTH_TOKEN: token } });
    expect(made.code, made.stderr).toBe(0);
    const enrollToken = made.stdout.trim();
    const healthPort = await startAgent({ BERTH_ENROLL_TOKEN: enrollToken });
    const online = await until('the agent to show online', async () => (await agents()).find((a) => a.online && a.facts), 60_000, 200);
    expect(online).toMatchObject({ name: 'e2e-agent', intervalSeconds: INTERVAL_S, facts: { cpus: expect.any(Number), engineVersion: expect.any(String), composeVersion: expect.any(String), gpus: [] } });
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    // The token was spent: a second enrollment with it is refused.
    const again = await transport.request('POST', '/api/v1/agents/enroll', { body: { token: enrollToken, name: 'x', intervalSeconds: 5 } });
    expect(again.status).toBe(401);

    const name = agentSb.name('agt');
    const deploy = await api('POST', `/api/v1/agents/${online.id}/jobs`, { action: 'deploy', stack: name, spec: 'services:\n  redis: {}\n', timeoutSeconds: 180 });
    expect(deploy.status, JSON.stringify(deploy.json)).toBe(202);
    const deployed = await ended(deploy.json.job.id);
    expect(deployed.job, JSON.stringify(deployed)).toMatchObject({ state: 'succeeded', attempts: 1, result: { ready: true, services: [{ name: 'redis', state: 'healthy' }] } });
    expect(deployed.logs.map((l: { line: string }) => l.line)).toContain(`deploy of stack ${name} succeeded`);
    expect(await agentSb.running(name, 'redis')).toBe(1);
    await until('the heartbeat to carry the running stack', async () => (await agents())[0].stacks.find((s: any) => s.name === name && s.state === 'running' && s.ready === 1), 30_000, 200);

    expect(await agent!.interrupt()).toBe(0);
    agent = undefined;
    await until('the agent to show offline', async () => !(await agents())[0].online, 3 * INTERVAL_S * 1000 + 10_000, 100);
    const queued = await api('POST', `/api/v1/agents/${online.id}/jobs`, { action: 'restart', stack: name, timeoutSeconds: 180 });
    const status = await api('POST', `/api/v1/agents/${online.id}/jobs`, { action: 'status', stack: name });
    expect((await job(queued.json.job.id)).job.state).toBe('queued');

    await startAgent();
    await until('the agent to be back online', async () => (await agents())[0].online, 60_000, 200);
    const restarted = await ended(queued.json.job.id);
    expect(restarted.job, JSON.stringify(restarted)).toMatchObject({ state: 'succeeded', attempts: 1 });
    const shown = await ended(status.json.job.id);
    expect(shown.job).toMatchObject({ state: 'succeeded', attempts: 1, result: { ready: true } });
    // Every job ran once: one start line each, and no other job of the agent.
    for (const j of [deployed, restarted, shown]) expect(j.logs.filter((l: { line: string }) => l.line.endsWith('started on this agent'))).toHaveLength(1);
    const all = (await api('GET', `/api/v1/agents/${online.id}`)).json.jobs;
    expect(all.map((j: any) => [j.action, j.state, j.attempts]).sort()).toEqual([['deploy', 'succeeded', 1], ['restart', 'succeeded', 1], ['status', 'succeeded', 1]]);
    expect(await agentSb.running(name, 'redis')).toBe(1);

    const down = await api('POST', `/api/v1/agents/${online.id}/jobs`, { action: 'down', stack: name });
    expect((await ended(down.json.job.id)).job.state).toBe('succeeded');
    expect(await agentSb.running(name, 'redis')).toBe(0);
  });

  it('an agent killed in the middle of a job reports it failed once it is back, and does not run it again', async () => {
    const id = (await agents())[0].id;
    if (agent) await agent.interrupt();
    agent = undefined;
    // This agent's process, to kill as a crash would (the harness stops its own with SIGINT).
    const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'berth.js');
    const child = spawn(process.execPath, [bin, ...agentArgs(await freePort())], { env: { ...process.env, BERTH_HOME: agentSb.home, BERTH_AUTH_TOKEN: '' }, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    try {
      await until('the agent to be online', async () => (await agents())[0].online, 60_000, 200);
      const name = agentSb.name('kill');
      // An app that never turns healthy: the deploy waits, running, until it is killed.
      const spec = 'services:\n  app: {component: app, image: berth-test/app:latest, containerPort: 8000, health: /never}\n';
      const queued = (await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'deploy', stack: name, spec, timeoutSeconds: 120 })).json.job;
      // Under way: started, and waiting for the app (its lines have reached the server).
      await until('the deploy to wait for the app', async () => {
        const j = await job(queued.id);
        return j.job.state === 'running' && j.logs.some((l: { line: string }) => /^app (starting|unhealthy)/.test(l.line));
      }, 120_000, 100);
      child.kill('SIGKILL');
      await exited;
      await startAgent();
      const failed = await ended(queued.id);
      expect(failed.job, JSON.stringify(failed)).toMatchObject({ state: 'failed', attempts: 1, error: { message: expect.stringContaining('the agent stopped while it ran this job') } });
      expect(failed.logs.filter((l: { line: string }) => l.line.endsWith('started on this agent'))).toHaveLength(1);
      // Nothing more for the agent to run: the job is not handed out again.
      const down = (await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'down', stack: name })).json.job;
      expect((await ended(down.id)).job.state).toBe('succeeded');
      expect((await job(queued.id)).job).toMatchObject({ state: 'failed', attempts: 1 });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('each deploy through the agent is a release on its host, and a rollback job puts release 1 back', async () => {
    const id = (await agents())[0].id;
    await until('the agent to be online', async () => (await agents())[0].online, 60_000, 200);
    const name = agentSb.name('rel');
    const spec = (mark: string) => `services:\n  redis: {env: {MARK: ${mark}}}\n`;
    for (const mark of ['one', 'two']) {
      const d = (await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'deploy', stack: name, spec: spec(mark), timeoutSeconds: 180 })).json.job;
      expect((await ended(d.id)).job.state).toBe('succeeded');
    }
    const mark = async () => {
      const [c] = await agentSb.containers(name, 'redis', false);
      return execFileSync('docker', ['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', c!.Id], { encoding: 'utf8' }).split('\n').find((e) => e.startsWith('MARK='));
    };
    expect(await mark()).toBe('MARK=two');
    const listed = await ended((await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'releases', stack: name })).json.job.id);
    expect(listed.job.result.current).toEqual({ here: 2 });
    expect(listed.job.result.releases.map((r: any) => [r.number, r.nodes.here.result])).toEqual([[2, 'healthy'], [1, 'healthy']]);
    const back = await ended((await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'rollback', stack: name, release: 1, timeoutSeconds: 180 })).json.job.id);
    expect(back.job, JSON.stringify(back)).toMatchObject({ state: 'succeeded', result: { release: 1, runs: 1 } });
    expect(await mark()).toBe('MARK=one');
    const down = (await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'down', stack: name })).json.job;
    expect((await ended(down.id)).job.state).toBe('succeeded');
  });
});
