// bench/ready: for an app + Postgres + Redis stack (fresh volumes each round),
// the wall time of `berth up` until every service is healthy, against the time
// the services' processes themselves needed to be ready in the same run: from
// the start of `berth up` to the moment the last process logged that it was
// ready (its dependencies' start-up included, since it could not start before
// them). The difference is what berth, Compose and health detection add.
// Target: within 1.5 s.
import { execFileSync } from 'node:child_process';
import { fmt, machine, median, report } from './_lib.mjs';
import { ensureEngineAndImages, sandbox } from './_stacks.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const READY = {
  postgres: /database system is ready to accept connections/,
  redis: /Ready to accept connections/,
  app: /test-app: listening on/,
};

ensureEngineAndImages();
const sb = sandbox('ready');
const name = 'bench-ready';
sb.generate(
  name,
  `services:
  postgres: {}
  redis: {}
  app:
    component: app
    image: berth-test/app:latest
    health: /health
`,
);

function readyMoments() {
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const out = {};
  for (const id of ids) {
    const [service, started] = execFileSync('docker', ['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} {{.State.StartedAt}}', id], { encoding: 'utf8' }).trim().split(' ');
    const logs = execFileSync('docker', ['logs', '--timestamps', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const all = (logs + execFileSync('docker', ['logs', '--timestamps', id], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })).split('\n');
    const lines = all.filter((l) => READY[service]?.test(l)).map((l) => Date.parse(l.slice(0, 30)));
    out[service] = { started: Date.parse(started), ready: Math.max(...lines) };
  }
  return out;
}

const rows = [];
const overheads = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const t0 = Date.now();
    sb.berth('up', name);
    const t1 = Date.now();
    const m = readyMoments();
    const lastReady = Math.max(...Object.values(m).map((x) => x.ready));
    const procMs = lastReady - t0;
    const upMs = t1 - t0;
    overheads.push(upMs - procMs);
    const per = Object.entries(m).map(([s, x]) => `${s} ${x.ready - x.started} ms`).join(', ');
    rows.push(`round ${round}: berth up ${fmt(upMs)}; processes ready after ${fmt(procMs)} (own start-up: ${per}); berth adds ${fmt(upMs - procMs)}`);
    sb.berth('down', name);
    execFileSync('docker', ['volume', 'rm', `${name}_postgres-data`, `${name}_redis-data`], { stdio: 'ignore' });
  }
  const med = median(overheads);
  rows.push(`median added by berth up over the processes' own readiness: ${fmt(med)}   target <= 1500 ms   ${med <= 1500 ? 'OK' : 'MISSED'}`);
  report(`bench/ready (${machine()}; ${ROUNDS} rounds, fresh volumes)`, rows);
} finally {
  sb.cleanup([name]);
}
