// bench/ready: for an app + Postgres + Redis stack, and the same stack with
// Prometheus and its exporters (fresh volumes each round), the wall time of
// `berth up` until every service is healthy, against the time the services'
// processes themselves needed to be ready in the same run: from the start of
// `berth up` to the moment the last process logged that it was ready (its
// dependencies' start-up included, since it could not start before them).
// The difference is what berth and health detection add once the last
// process is ready. Target: within 0.5 s, exporters included.
import { execFileSync, spawnSync } from 'node:child_process';
import { fmt, machine, median, report } from './_lib.mjs';
import { ensureEngineAndImages, sandbox } from './_stacks.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_MS = 500;
const READY = {
  postgres: /database system is ready to accept connections/,
  redis: /Ready to accept connections/,
  app: /test-app: listening on/,
  prometheus: /Server is ready to receive web requests/,
  'postgres-exporter': /msg="Listening on"/,
  'redis-exporter': /Providing metrics at/,
};

const APP = `  app:
    component: app
    image: berth-test/app:latest
    health: /health
`;
const STACKS = {
  'bench-ready': `services:\n  postgres: {}\n  redis: {}\n${APP}`,
  'bench-ready-mon': `services:\n  postgres: {}\n  redis: {}\n  prometheus: {}\n${APP}`,
};

/** When each service's process said it was ready (the last time it said so), and when it started. */
function readyMoments(name) {
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const out = {};
  for (const id of ids) {
    const [service, started] = execFileSync('docker', ['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} {{.State.StartedAt}}', id], { encoding: 'utf8' }).trim().split(' ');
    // A container's log is its stdout and its stderr (Prometheus and the exporters log to stderr).
    const logs = spawnSync('docker', ['logs', '--timestamps', id], { encoding: 'utf8' });
    const lines = (logs.stdout + logs.stderr).split('\n').filter((l) => READY[service]?.test(l)).map((l) => Date.parse(l.slice(0, 30)));
    if (lines.length) out[service] = { started: Date.parse(started), ready: Math.max(...lines) };
  }
  return out;
}

function rounds(sb, name, rows) {
  const overheads = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const t0 = Date.now();
    sb.berth('up', name);
    const t1 = Date.now();
    const m = readyMoments(name);
    const procMs = Math.max(...Object.values(m).map((x) => x.ready)) - t0;
    const upMs = t1 - t0;
    overheads.push(upMs - procMs);
    const per = Object.entries(m).map(([s, x]) => `${s} ${x.ready - x.started} ms`).join(', ');
    rows.push(`${name} round ${round}: berth up ${fmt(upMs)}; processes ready after ${fmt(procMs)} (own start-up: ${per}); berth adds ${fmt(upMs - procMs)}`);
    sb.berth('down', name);
    const vols = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (vols.length) execFileSync('docker', ['volume', 'rm', ...vols], { stdio: 'ignore' });
  }
  const med = median(overheads);
  rows.push(`${name}: median added by berth up over the processes' own readiness: ${fmt(med)}   target <= ${TARGET_MS} ms   ${med <= TARGET_MS ? 'OK' : 'MISSED'}`);
}

ensureEngineAndImages();
const sb = sandbox('ready');
const rows = [];
try {
  for (const [name, yaml] of Object.entries(STACKS)) {
    sb.generate(name, yaml);
    rounds(sb, name, rows);
  }
  report(`bench/ready (${machine()}; ${ROUNDS} rounds each, fresh volumes)`, rows);
} finally {
  sb.cleanup(Object.keys(STACKS));
}
