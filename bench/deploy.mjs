// bench/deploy: an app + PostgreSQL + Redis stack (the stand-in images,
// present on the host) on a real other host over real ssh. Timed in turn,
// fresh containers and volumes each round:
// - `berth deploy` until it returns healthy (its copy of the release, image
//   check, locks, staged start, health gate and release records included);
// - the hand-written way of seed 003 on the same Compose files in a folder of
//   the host: `ssh host 'docker-compose up -d'`, then polling the app's health
//   URL from here every 50 ms until it answers 200. No registry is reachable
//   here, so neither pulls (berth checks the images are there; the hand-written
//   way's `pull` is left out).
// Then the automatic rollback: a release whose app fails its health check,
// timed from berth starting the previous release again to berth returning
// with it healthy. Targets: berth within 1.2x the hand-written way; rollback
// under 10 s.
import { execFileSync, spawn } from 'node:child_process';
import { fmt, machine, median, report } from './_lib.mjs';
import { ensureEngineAndImages, sandbox } from './_stacks.mjs';
import { startHost } from './_hosts.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATIO_TARGET = 1.2;
const ROLLBACK_TARGET_MS = 10_000;
const APP = 'berth-bench-deploy/app';
const NAME = 'bench-deploy';

function build(tag, dockerfile) {
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile, env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Runs berth, noting when each stderr line came; resolves with the lines and the end. */
function timedBerth(env, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${import.meta.dirname}/../bin/berth.js`, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let rest = '';
    child.stderr.setEncoding('utf8').on('data', (c) => {
      const parts = (rest + c).split('\n');
      rest = parts.pop();
      for (const l of parts) lines.push({ at: performance.now(), line: l });
    });
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, lines, end: performance.now() }));
  });
}

async function healthy(url) {
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return performance.now();
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sb0 = { cleanup: () => undefined };
let host;
let sb = sb0;
const rows = [];
try {
  ensureEngineAndImages();
  build(`${APP}:good`, 'FROM berth-test/app:latest\nLABEL release=good\n');
  build(`${APP}:bad`, 'FROM berth-test/app:latest\nRUN sed -i \'s#path == "/health"#path == "/healthz"#\' /usr/local/bin/test-app\n');
  host = await startHost('berth-bench-deploy-host');
  host.load(['berth-test/postgres:latest', 'berth-test/redis:latest', 'berth-test/app:latest', `${APP}:good`]);
  process.env.BERTH_SSH_CONFIG = host.sshConfig;
  sb = sandbox('deploy');
  sb.generate(
    NAME,
    `nodes:
  core: {host: "${host.url}"}
vars: {IMAGE_TAG: good}
services:
  postgres: {node: core, memory: 256m}
  redis: {node: core, memory: 64m}
  app:
    component: app
    node: core
    image: "${APP}:\${IMAGE_TAG}"
    port: 8000
    health: /health
    healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}
    uses: [postgres, redis]
    memory: 128m
`,
  );
  // The hand-written way runs the same files, in a folder of its own on the host.
  const bundle = execFileSync('tar', ['-C', `${sb.home}/stacks/${NAME}/nodes/core`, '-c', '.']);
  execFileSync('ssh', ['-F', host.sshConfig, host.address, 'mkdir -p hand && tar -x -C hand'], { input: bundle });
  const clean = () => host.sh('docker ps -aq | xargs -r docker rm -fv >/dev/null; docker volume ls -q | xargs -r docker volume rm -f >/dev/null');
  const url = `http://${host.address}:8000/health`;
  const phases = [];
  const berthRound = async () => {
    clean();
    const t0 = performance.now();
    const r = await timedBerth(sb.env, ['deploy', NAME, '--ship-images']);
    if (r.code !== 0) throw new Error(`berth deploy failed:\n${r.lines.map((l) => l.line).join('\n')}`);
    const start = r.lines.find((l) => /^core: starting release/.test(l.line))?.at ?? t0;
    phases.push({ before: start - t0, start: r.end - start });
    return r.end - t0;
  };
  const handRound = async () => {
    clean();
    const t0 = performance.now();
    execFileSync('ssh', ['-F', host.sshConfig, '-o', 'BatchMode=yes', host.address, 'cd hand && docker-compose -p hand up -d'], { stdio: 'ignore' });
    return (await healthy(url)) - t0;
  };
  // Warm-up: the first of each (page cache, the engine's first network).
  await berthRound();
  await handRound();
  const b = [];
  const h = [];
  for (let i = 0; i < ROUNDS; i++) {
    b.push(await berthRound());
    h.push(await handRound());
    const p = phases.at(-1);
    rows.push(`round ${i + 1}: berth deploy ${fmt(b.at(-1))} (connect, copy, images: ${fmt(p.before)}; start to healthy and records: ${fmt(p.start)}), hand-written ${fmt(h.at(-1))}`);
  }
  const ratio = median(b) / median(h);
  rows.push(`berth deploy to healthy: median ${fmt(median(b))} vs hand-written ${fmt(median(h))}: ${ratio.toFixed(2)}x   target <= ${RATIO_TARGET}x   ${ratio <= RATIO_TARGET ? 'OK' : 'MISSED'}`);

  // Automatic rollback: a healthy release, then one whose app fails its health check.
  const rollbacks = [];
  for (let i = 0; i < ROUNDS; i++) {
    await berthRound();
    const r = await timedBerth(sb.env, ['deploy', NAME, '--ship-images', '--tag', 'bad', '--timeout', '60s']);
    const back = r.lines.filter((l) => /^core: starting release \d+$/.test(l.line)).at(-1);
    if (r.code !== 1 || !back || !r.lines.some((l) => /rolled back core to release/.test(l.line))) throw new Error(`the bad release was not rolled back:\n${r.lines.map((l) => l.line).join('\n')}`);
    rollbacks.push(r.end - back.at);
    rows.push(`rollback round ${i + 1}: ${fmt(rollbacks.at(-1))} from starting the previous release to healthy`);
  }
  const rb = median(rollbacks);
  rows.push(`automatic rollback to healthy: median ${fmt(rb)}   target < ${ROLLBACK_TARGET_MS / 1000} s   ${rb < ROLLBACK_TARGET_MS ? 'OK' : 'MISSED'}`);
  report(`bench/deploy (${machine()}; ${ROUNDS} rounds each, fresh containers and volumes, host over ssh)`, rows);
} finally {
  host?.stop();
  sb.cleanup([]);
  execFileSync('docker', ['rmi', '-f', `${APP}:good`, `${APP}:bad`], { stdio: 'ignore' });
}
