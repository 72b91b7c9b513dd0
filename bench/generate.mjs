// bench/generate: wall time of `berth generate` for the full seed 000 stack and
// for a 500-service stack, each against `node -e 0` started the same way, in
// the same run. Targets: full stack within 3x bare Node; 500 services under 1 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, bigSpec, fmt, machine, medianOf, report, timeOnce } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-gen-'));
const env = { ...process.env, BERTH_HOME: home };

const specFile = path.join(home, 'big.yaml');
fs.writeFileSync(specFile, bigSpec(500));

const node = medianOf(RUNS, () => timeOnce([process.execPath, '-e', '0'], { env }));
const full = medianOf(RUNS, (i) => timeOnce([process.execPath, BIN, 'generate', `full${i + 1}`, '--web', '--postgres', '--monitoring'], { env }));
const regen = medianOf(RUNS, () => timeOnce([process.execPath, BIN, 'generate', 'full0', '--web', '--postgres', '--monitoring'], { env }));
const big = medianOf(Math.max(5, Math.floor(RUNS / 3)), (i) => timeOnce([process.execPath, BIN, 'generate', `big${i + 1}`, '-f', specFile], { env }));
const services = JSON.parse(fs.readFileSync(path.join(home, 'stacks', 'big1', '.berth.json'), 'utf8')).services.length;

report(`bench/generate (${machine()}; median of ${RUNS})`, [
  `node -e 0 (baseline)                 ${fmt(node)}`,
  `generate full seed-000 stack (new)   ${fmt(full)}   ${(full / node).toFixed(2)}x baseline   target <= 3x   ${full / node <= 3 ? 'OK' : 'MISSED'}`,
  `generate full seed-000 stack (again) ${fmt(regen)}   ${(regen / node).toFixed(2)}x baseline`,
  `generate ${services}-service stack          ${fmt(big)}   ${(big / node).toFixed(2)}x baseline   target < 1000 ms   ${big < 1000 ? 'OK' : 'MISSED'}`,
]);
fs.rmSync(home, { recursive: true, force: true });
