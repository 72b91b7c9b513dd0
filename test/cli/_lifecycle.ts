/**
 * The stack the lifecycle CLI tests run against, generated into a fresh
 * home before each test, and the Compose argv they expect.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { RecordingRunner, type Command } from '../../src/engine/runner.js';
export const SPEC = `
services:
  postgres: {}
  redis: {}
  app:
    component: app
    build: ./app
    port: 8000
    health: /health
  worker:
    component: worker
    app: app
    command: [python, -m, worker]
    replicas: 2
  migrate:
    component: job
    app: app
    command: [alembic, upgrade, head]
  grafana:
    profiles: [monitoring]
`;

export type Answer = (c: Command) => { code?: number; stdout?: string; stderr?: string } | undefined;
export const v2: Answer = (c) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 0, stdout: '2.29.1\n' } : undefined);
export const v1: Answer = (c) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 1, stderr: "docker: 'compose' is not a docker command." } : undefined);

export let home: string;
export let dir: string;
export let engine: MemoryEngine;

export async function setup() {
  home = tempHome();
  const specDir = fs.mkdtempSync(path.join(home, 'spec-'));
  fs.writeFileSync(path.join(specDir, 'stack.yaml'), SPEC);
  // generate checks that the build context and its Dockerfile exist.
  fs.mkdirSync(path.join(specDir, 'app'));
  fs.writeFileSync(path.join(specDir, 'app', 'Dockerfile'), 'FROM scratch\n');
  const r = await runCli(['generate', 'prod', '-f', path.join(specDir, 'stack.yaml')], { home });
  expect(r.code, r.stderr).toBe(0);
  dir = path.join(home, 'stacks', 'prod');
  engine = new MemoryEngine();
}

export function head(cli: string[], profiles: string[] = []) {
  return [...cli, '--project-name', 'prod', '--project-directory', dir, '--file', path.join(dir, 'docker-compose.yaml'), ...profiles.flatMap((p) => ['--profile', p])];
}

/** The commands after Compose detection. */
export const work = (r: RecordingRunner) => r.commands.filter((c) => !c.argv.includes('version'));

/** A CLI command against the stack with Compose v2, on the in-memory engine; the Compose commands it ran after detection. */
export async function run(argv: string[], opts: { tty?: boolean; answers?: string[] } = {}) {
  const runner = new RecordingRunner(v2);
  const r = await runCli(argv, { home, runner, engine, ...opts });
  return { ...r, cmds: work(runner) };
}

/** The Compose argv for the stack with its active profile, then `args`. */
export const compose = (...args: string[]) => [...head(['docker', 'compose'], ['monitoring']), ...args];

/** Volumes as Compose creates them for the stack's file: both labels, the project's name in front. */
export function ownVolumes(...names: string[]): void {
  for (const n of names) engine.volumes.push({ name: `prod_${n}`, labels: { 'com.docker.compose.project': 'prod', 'dev.berth.stack': 'prod' } });
}
