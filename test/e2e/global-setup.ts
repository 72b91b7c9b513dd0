/**
 * The end-to-end tier needs a running Docker engine and the stand-in images.
 * In CI (CI=true) an absent engine fails the run; elsewhere the suite is
 * skipped with a loud warning.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: boolean;
  }
}

export default function setup(project: TestProject): void {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  const engine = info.status === 0;
  if (!engine) {
    const why = (info.stderr || info.error?.message || 'docker info failed').trim().split('\n').pop();
    if (process.env.CI === 'true') throw new Error(`end-to-end tests need a running Docker engine (CI=true): ${why}`);
    console.warn(`\n*** SKIPPING the end-to-end suite: no Docker engine (${why}). Start dockerd to run it. ***\n`);
    project.provide('engine', false);
    return;
  }
  const build = path.join(import.meta.dirname, 'images', 'build.sh');
  execFileSync('bash', [build], { stdio: 'inherit' });
  project.provide('engine', true);
}
