// bench/api: the server's API under load and an agent's dispatch latency, in one run.
// - GET /api/v1/stacks with 100 stored stacks against GET /healthz of the same
//   server, 32 connections each (autocannon): after a warm-up of both, the two
//   routes are measured in turn, several rounds each (healthz, stacks, stacks,
//   healthz, ...), so load from other work on the host weighs on both alike.
//   Printed: each route's throughput and latency percentiles over all its
//   rounds (every response's time, not an average of the rounds'), their
//   ratio, each round's figures, and the host's load average around each
//   round. Targets: at least half the throughput of /healthz, p99 under 20 ms.
//   The listing is answered from a look at the stacks that is at most a second
//   old and is refreshed while it answers, so the rounds include refreshes.
// - Dispatch: from a job queued for an idle agent (`berth agent` of the built
//   CLI, long-polling) to the agent acknowledging it (the job's startedAt minus
//   its createdAt, both the server's clock), median of 20. Target: under 0.5 s.
// The server is `berth serve web --no-tls` of the built CLI on loopback (TLS
// costs both routes alike). BENCH_SECONDS (default 5) is one round's length,
// BENCH_ROUNDS (default 3) the rounds per route.
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP_SECONDS = 3;
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

/** One round on one route: how many answers in how long, how many failed, every answer's time (ms), the load average before and after. */
async function measure(url, seconds) {
  const times = [];
  const before = os.loadavg()[0];
  const cpu = serverCpuSeconds();
  const run = autocannon({ url: `${base}${url}`, connections: CONNECTIONS, duration: seconds, headers });
  run.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const r = await run;
  return { answers: r.requests.total, seconds: r.duration, failed: r.non2xx + r.errors + r.timeouts, times, load: [before, os.loadavg()[0]], cpu: serverCpuSeconds() - cpu };
}

/**
 * The server process's CPU time so far (user + system, all its threads), from
 * /proc: what an answer costs the server, which other work on the host does
 * not change the way it changes latencies. NaN where there is no /proc.
 */
function serverCpuSeconds() {
  try {
    const fields = fs.readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15) in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** Rounds of one route as one: answers per second over their time, percentiles over every answer. */
function overall(rs) {
  const times = rs.flatMap((r) => r.times).sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const seconds = rs.reduce((s, r) => s + r.seconds, 0);
  const answers = rs.reduce((s, r) => s + r.answers, 0);
  const cpuUs = (rs.reduce((s, r) => s + r.cpu, 0) / answers) * 1e6;
  return { rate: answers / seconds, failed: rs.reduce((s, r) => s + r.failed, 0), p50: at(0.5), p99: at(0.99), max: times.at(-1), cpuUs };
}

const figures = (o) => `${o.rate.toFixed(0)} req/s, p50 ${o.p50.toFixed(1)} ms, p99 ${o.p99.toFixed(1)} ms, max ${o.max.toFixed(0)} ms, server CPU ${o.cpuUs.toFixed(0)} µs an answer`;

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

  await measure('/healthz', WARM_UP_SECONDS);
  await measure('/api/v1/stacks', WARM_UP_SECONDS);
  const rounds = { health: [], stacks: [] };
  for (let i = 0; i < ROUNDS; i++) {
    // Turn about (healthz first, then stacks first), so neither always follows the other.
    const order = i % 2 ? ['stacks', 'health'] : ['health', 'stacks'];
    for (const k of order) rounds[k].push(await measure(k === 'health' ? '/healthz' : '/api/v1/stacks', SECONDS));
  }
  const health = overall(rounds.health);
  const stacks = overall(rounds.stacks);
  if (stacks.failed || health.failed) throw new Error(`errors under load: ${stacks.failed} + ${health.failed} failed or non-2xx answers`);
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

  const loads = [...rounds.health, ...rounds.stacks].flatMap((r) => r.load);
  report(`bench/api (${machine()}; ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per route, in turn, after ${WARM_UP_SECONDS} s of each; host load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)})`, [
    `/healthz: ${figures(health)}`,
    `/api/v1/stacks (${STACKS} stacks): ${figures(stacks)}`,
    `ratio: ${(stacks.rate / health.rate).toFixed(2)} of /healthz (target at least 0.5); p99 ${stacks.p99.toFixed(1)} ms (target under 20 ms)`,
    ...rounds.health.map((h, i) => `round ${i + 1}: /healthz ${figures(overall([h]))}, load ${h.load.map((l) => l.toFixed(1)).join('-')}; /api/v1/stacks ${figures(overall([rounds.stacks[i]]))}, load ${rounds.stacks[i].load.map((l) => l.toFixed(1)).join('-')}`),
    `dispatch to an idle agent: median ${median(delays).toFixed(0)} ms of ${DISPATCHES} (max ${Math.max(...delays)} ms; target under 500 ms)`,
  ]);
} finally {
  await agent?.stop();
  await server.stop();
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(agentHome, { recursive: true, force: true });
}
