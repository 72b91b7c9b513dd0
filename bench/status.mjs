// bench/status: `berth status` (every stack) with 20 running stacks, against 20
// `docker-compose ps` calls (one per stack) and against `node -e 0`, in one run.
// Targets: at least 30x faster than the compose calls; within 2x of bare Node.
// Timed once Docker has judged every container (its first probe comes 15 s
// after a start): until then, status runs berth's own probe on containers
// Docker still calls starting, which is a different, short-lived cost.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fmt, interleavedMedians, machine, medianOf, report, timeOnce, BIN } from './_lib.mjs';
import { ensureEngineAndImages, sandbox } from './_stacks.mjs';

const STACKS = 20;

/** Waits (up to 60 s) until no container of these stacks is in Docker's "health: starting". */
function awaitDockerVerdicts(stacks) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const starting = execFileSync('docker', ['ps', '--filter', 'health=starting', '--format', '{{.Label "com.docker.compose.project"}}'], { encoding: 'utf8' });
    if (!starting.split('\n').some((p) => stacks.includes(p))) return;
    execFileSync('sleep', ['1']);
  }
}
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
ensureEngineAndImages();
const sb = sandbox('status');
const names = Array.from({ length: STACKS }, (_, i) => `bench-status-${i + 1}`);
try {
  for (const n of names) sb.generate(n, 'services:\n  redis:\n    memory: 64m\n');
  for (const n of names) sb.berth('up', n, '--no-wait');
  sb.berth('up', names.at(-1)); // waits: every stack is starting by now
  awaitDockerVerdicts(names);
  const [node, status] = interleavedMedians(RUNS, [
    () => timeOnce([process.execPath, '-e', '0'], { env: sb.env }),
    () => timeOnce([process.execPath, BIN, 'status'], { env: sb.env }),
  ]);
  const out = sb.berth('status');
  const compose = medianOf(3, () =>
    names.reduce((sum, n) => {
      const dir = path.join(sb.home, 'stacks', n);
      return sum + timeOnce(['docker-compose', '--project-name', n, '--project-directory', dir, '--file', path.join(dir, 'docker-compose.yaml'), 'ps'], { env: sb.env });
    }, 0),
  );
  const running = out.split('\n').filter((l) => / running /.test(l)).length;
  report(`bench/status (${machine()}; ${running}/${STACKS} stacks running; median of ${RUNS}, node and berth timed in turn)`, [
    `node -e 0 (baseline)           ${fmt(node)}`,
    `berth status (all ${STACKS} stacks)   ${fmt(status)}   ${(status / node).toFixed(2)}x baseline   target <= 2x   ${status / node <= 2 ? 'OK' : 'MISSED'}`,
    `${STACKS} x docker-compose ps         ${fmt(compose)}   berth is ${(compose / status).toFixed(1)}x faster   target >= 30x   ${compose / status >= 30 ? 'OK' : 'MISSED'}`,
  ]);
} finally {
  sb.cleanup(names);
}
