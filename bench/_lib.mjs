// Shared helpers for the benchmarks: spawn-and-time, medians, ratio lines.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const BIN = path.join(ROOT, 'bin', 'berth.js');

/** Wall time of one run of argv, in ms (process start to exit). */
export function timeOnce(argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median of n runs, after one warm-up run (file cache, page cache). */
export function medianOf(n, fn) {
  fn(-1);
  return median(Array.from({ length: n }, (_, i) => fn(i)));
}

/**
 * Medians of several commands timed in turn (a, b, a, b, ...), after one warm-up
 * each: load that comes and goes weighs on all of them alike, so their ratio holds.
 */
export function interleavedMedians(n, fns) {
  for (const fn of fns) fn(-1);
  const times = fns.map(() => []);
  for (let i = 0; i < n; i++) fns.forEach((fn, k) => times[k].push(fn(i)));
  return times.map(median);
}

export function machine() {
  return `${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export const fmt = (ms) => `${ms.toFixed(0)} ms`;

export function report(title, rows) {
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${r}`);
}

/** A stack.yaml of n services: n/5 each of postgres, redis, apps using one of each, workers (2 replicas) and jobs of those apps. */
export function bigSpec(n) {
  // 500 services: 100 each of postgres, redis, apps using one of each, workers and jobs of those apps.
  const lines = ['version: 1', 'services:'];
  const k = n / 5;
  for (let i = 0; i < k; i++) {
    lines.push(`  pg${i}:`, '    component: postgres');
    lines.push(`  cache${i}:`, '    component: redis');
    lines.push(`  api${i}:`, '    component: app', '    image: registry.example.com/api:1.0.0', `    port: ${20000 + i}`, '    health: /health', `    uses: [pg${i}, cache${i}]`);
    lines.push(`  worker${i}:`, '    component: worker', `    app: api${i}`, '    command: [python, -m, worker]', '    replicas: 2');
    lines.push(`  migrate${i}:`, '    component: job', `    app: api${i}`, '    command: [python, -m, migrate]', `    before: [api${i}]`);
  }
  return lines.join('\n') + '\n';
}
