// bench/probes: what health probes cost a host once a stack is up and idle.
// One run measures the host's CPU share (all cores, from /proc/stat) over the
// same window four times: the stack down (the baseline), the stack up and
// idle with berth's probes, the same stack with the one-second probes berth
// used to generate, and with its probes an hour apart (what the idle
// processes cost without probes: Prometheus scraping, background work). The
// stack: app + PostgreSQL + Redis + Prometheus with its exporters. Target:
// berth's probes cost at most a tenth of what one-second probes cost, each
// counted above the stack without probes. The exporters keep their own 30 s
// probes in every run (stack.yaml does not time them), so the figure for
// berth's probes is a little low, and the one for 1 s probes too.
import fs from 'node:fs';
import { machine, report } from './_lib.mjs';
import { ensureEngineAndImages, sandbox } from './_stacks.mjs';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 30_000);
const SETTLE_MS = 5_000;

const STACK = (interval) => `services:
  postgres:${interval ? ` {healthcheck: {interval: ${interval}}}` : ' {}'}
  redis:${interval ? ` {healthcheck: {interval: ${interval}}}` : ' {}'}
  prometheus:${interval ? ` {healthcheck: {interval: ${interval}}}` : ' {}'}
  app:
    component: app
    image: berth-test/app:latest
    health: /health
${interval ? `    healthcheck: {interval: ${interval}}\n` : ''}`;

/** Busy and total jiffies of all CPUs since boot. */
function cpuTimes() {
  const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + f[4];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Share of all cores busy over the window, in percent. */
async function share() {
  await sleep(SETTLE_MS);
  const a = cpuTimes();
  await sleep(WINDOW_MS);
  const b = cpuTimes();
  return (100 * (b.busy - a.busy)) / (b.total - a.total);
}

ensureEngineAndImages();
const sb = sandbox('probes');
const name = 'bench-probes';
const pct = (x) => `${x.toFixed(2)}%`;
try {
  const down = await share();
  sb.generate(name, STACK());
  sb.berth('up', name);
  const berth = await share();
  sb.berth('down', name);
  // The exporters come with Prometheus and keep their own timing: the old default gave them 10 s.
  sb.generate(name, STACK('1s'));
  sb.berth('up', name);
  const everySecond = await share();
  sb.berth('down', name);
  sb.generate(name, STACK('1h'));
  sb.berth('up', name);
  const quiet = await share();
  sb.berth('down', name);
  const cost = Math.max(berth - quiet, 0);
  const old = everySecond - quiet;
  const ratio = old > 0 ? cost / old : 0;
  report(`bench/probes (${machine()}; ${WINDOW_MS / 1000} s windows)`, [
    `host CPU, stack down:                     ${pct(down)}`,
    `host CPU, stack up, probes an hour apart: ${pct(quiet)}   (the idle processes themselves)`,
    `host CPU, stack up and idle (berth):      ${pct(berth)}   ${pct(berth - down)} above the stack down; probes ${pct(cost)}`,
    `host CPU, stack up with 1 s probes:       ${pct(everySecond)}   ${pct(everySecond - down)} above the stack down; probes ${pct(old)}`,
    `berth's probes cost ${(ratio * 100).toFixed(0)}% of one-second probes   target <= 10%   ${ratio <= 0.1 ? 'OK' : 'MISSED'}`,
  ]);
} finally {
  sb.cleanup([name]);
}
