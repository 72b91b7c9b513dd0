// Real stacks on the real engine for the benchmarks: a private BERTH_HOME with the stand-in images.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './_lib.mjs';

export function ensureEngineAndImages() {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) throw new Error('this benchmark needs a running Docker engine (scripts/install-test-deps starts one)');
  execFileSync('bash', [path.join(ROOT, 'test/e2e/images/build.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function sandbox(prefix) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `berth-bench-${prefix}-`));
  fs.copyFileSync(path.join(ROOT, 'test/e2e/images.yaml'), path.join(home, 'images.yaml'));
  const env = { ...process.env, BERTH_HOME: home };
  const berth = (...args) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`berth ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const generate = (name, yaml) => {
    const file = path.join(home, `${name}.yaml`);
    fs.writeFileSync(file, yaml);
    berth('generate', name, '-f', file);
  };
  const cleanup = (names) => {
    for (const n of names) spawnSync(process.execPath, [BIN, 'clean', n, '--yes'], { env, stdio: 'ignore' });
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { home, env, berth, generate, cleanup };
}
