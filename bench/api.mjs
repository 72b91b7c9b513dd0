// bench/api: the server's API under load and an agent's dispatch latency, in one run.
// - GET /api/v1/stacks with 100 stored stacks against GET /healthz of the same
//   server, 32 connections each (autocannon), one after the other: the ratio of
//   their throughput and each one's p99. Targets: at least half the throughput
//   of /healthz, p99 under 20 ms.
// - Dispatch: from a job queued for an idle agent (`berth agent` of the built
//   CLI, long-polling) to the agent acknowledging it (the job's startedAt minus
//   its createdAt, both the server's clock), median of 20. Target: under 0.5 s.
// The server is `berth serve web --no-tls` of the built CLI on loopback (TLS
// costs both routes alike).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BIN, machine, median, report } from './_lib.mjs';

const STACKS = 100;
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DISPATCHES = 20;

const token = randomBytes(24).toString('hex');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-api-'));
const agentHome = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-agent-'));
const headers = { authorization: `Bearer ${token}` };

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

function start(args, env, homeDir) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BERTH_HOME: homeDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return { child, output: () => out, stop: () => new Promise((r) => (child.on('close', r), child.kill('SIGTERM'))) };
}

async function until(what, fn, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const api = (method, url, body) => fetch(`${base}${url}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body && JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: r.status === 204 ? undefined : await r.json() }));
const server = start(['serve', 'web', '--no-tls', '--host', '127.0.0.1', '--port', String(port)], { BERTH_AUTH_TOKEN: token, BERTH_SECRET_KEY: randomBytes(24).toString('hex') }, home);
let agent;
try {
  await until('the server', async () => (await fetch(`${base}/healthz`)).ok);
  for (let i = 0; i < STACKS; i++) {
    const r = await api('POST', `/api/v1/stacks/bench-${i}`, { spec: 'services:\n  redis: {memory: 64m}\n  api: {component: app, image: example/api:1, uses: [redis]}\n' });
    if (r.status !== 201) throw new Error(`generate bench-${i}: ${JSON.stringify(r.json)}`);
  }
  const listed = (await api('GET', '/api/v1/stacks')).json.stacks.length;
  if (listed !== STACKS) throw new Error(`listed ${listed} stacks, not ${STACKS}`);

  const load = (url) => autocannon({ url: `${base}${url}`, connections: CONNECTIONS, duration: SECONDS, headers });
  await autocannon({ url: `${base}/healthz`, connections: CONNECTIONS, duration: 2 }); // warm-up
  const health = await load('/healthz');
  const stacks = await load('/api/v1/stacks');
  if (stacks.non2xx || health.non2xx) throw new Error(`errors under load: ${stacks.non2xx} + ${health.non2xx} non-2xx answers`);

  const enroll = (await api('POST', '/api/v1/agents/tokens', {})).json.token;
  agent = start(['agent', '--server-url', base, '--port', '0', '--interval', '5'], { BERTH_ENROLL_TOKEN: enroll, BERTH_AUTH_TOKEN: '' }, agentHome);
  const id = await until('the agent to be online', async () => (await api('GET', '/api/v1/agents')).json.agents.find((a) => a.online)?.id);
  const delays = [];
  for (let i = 0; i < DISPATCHES; i++) {
    // Let the agent get back to its long poll, idle, before the next job.
    await new Promise((r) => setTimeout(r, 100));
    const job = (await api('POST', `/api/v1/agents/${id}/jobs`, { action: 'status', stack: 'bench-0' })).json.job;
    const done = await until(`job ${job.id}`, async () => {
      const j = (await api('GET', `/api/v1/jobs/${job.id}`)).json.job;
      return ['succeeded', 'failed'].includes(j.state) && j;
    });
    delays.push(Date.parse(done.startedAt) - Date.parse(done.createdAt));
  }

  const ratio = stacks.requests.average / health.requests.average;
  report(`bench/api (${machine()}; ${CONNECTIONS} connections, ${SECONDS} s each)`, [
    `/healthz: ${health.requests.average.toFixed(0)} req/s, p99 ${health.latency.p99} ms`,
    `/api/v1/stacks (${STACKS} stacks): ${stacks.requests.average.toFixed(0)} req/s, p99 ${stacks.latency.p99} ms`,
    `ratio: ${ratio.toFixed(2)} of /healthz (target at least 0.5); p99 target under 20 ms`,
    `dispatch to an idle agent: median ${median(delays).toFixed(0)} ms of ${DISPATCHES} (max ${Math.max(...delays)} ms; target under 500 ms)`,
  ]);
} finally {
  await agent?.stop();
  await server.stop();
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(agentHome, { recursive: true, force: true });
}
