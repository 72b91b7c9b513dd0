// bench/export: wall time of `berth export --to kubernetes` of a 500-service
// stack (as bench/generate builds it), against `node -e 0` started the same
// way, in the same run. Target: under 1 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, bigSpec, fmt, machine, medianOf, report, timeOnce } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-export-'));
const env = { ...process.env, BERTH_HOME: home };
const specFile = path.join(home, 'big.yaml');
fs.writeFileSync(specFile, bigSpec(500));
timeOnce([process.execPath, BIN, 'generate', 'big', '-f', specFile], { env });
const services = JSON.parse(fs.readFileSync(path.join(home, 'stacks', 'big', '.berth.json'), 'utf8')).services.length;

const node = medianOf(RUNS, () => timeOnce([process.execPath, '-e', '0'], { env }));
const out = (format) => path.join(home, `out-${format}`);
const kustomize = medianOf(RUNS, () => timeOnce([process.execPath, BIN, 'export', 'big', '--to', 'kubernetes', '--out', out('kustomize')], { env }));
const plain = medianOf(RUNS, () => timeOnce([process.execPath, BIN, 'export', 'big', '--to', 'kubernetes', '--format', 'plain', '--out', out('plain')], { env }));
const files = fs.readdirSync(out('kustomize'), { recursive: true }).length;

report(`bench/export (${machine()}; median of ${RUNS})`, [
  `node -e 0 (baseline)                         ${fmt(node)}`,
  `export ${services}-service stack, kustomize (${files} files)   ${fmt(kustomize)}   ${(kustomize / node).toFixed(2)}x baseline   target < 1000 ms   ${kustomize < 1000 ? 'OK' : 'MISSED'}`,
  `export ${services}-service stack, plain            ${fmt(plain)}   ${(plain / node).toFixed(2)}x baseline   target < 1000 ms   ${plain < 1000 ? 'OK' : 'MISSED'}`,
]);
fs.rmSync(home, { recursive: true, force: true });
