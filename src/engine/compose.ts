/**
 * Compose command lines. v2 (`docker compose`) and v1 (`docker-compose`) take
 * the same flags for what berth uses; which one is installed is found at run
 * time (BERTH_COMPOSE overrides). Every command names the project, directory
 * and file explicitly, so it never depends on the caller's cwd or on names.
 */
import path from 'node:path';
import { BerthError } from '../errors.js';
import type { Command, Runner } from './runner.js';
import { COMPOSE_FILE } from '../render/files.js';

export interface ComposeCli {
  argv: string[];
  version: 1 | 2;
}

export interface StackRef {
  name: string;
  dir: string;
}

/** Which Compose is installed, asked of `runner` (or, in a dry run, of its probe). Callers keep the answer (ops/deps.ts). */
export async function detectCompose(runner: Runner, env: Readonly<Record<string, string | undefined>>): Promise<ComposeCli> {
  const forced = env.BERTH_COMPOSE?.trim();
  if (forced) {
    const argv = forced.split(/\s+/);
    return { argv, version: argv.length === 1 ? 1 : 2 };
  }
  // A dry run asks its probe (a real runner) and prints v2's commands when there is none or neither answers.
  const ask = runner.dryRun ? runner.probe : runner;
  if (!ask) return { argv: ['docker', 'compose'], version: 2 };
  const v2 = await ask.run({ argv: ['docker', 'compose', 'version', '--short'] }).catch(() => undefined);
  if (v2 && v2.code === 0) return { argv: ['docker', 'compose'], version: 2 };
  const v1 = await ask.run({ argv: ['docker-compose', 'version', '--short'] }).catch(() => undefined);
  if (v1 && v1.code === 0) return { argv: ['docker-compose'], version: 1 };
  if (runner.dryRun) return { argv: ['docker', 'compose'], version: 2 };
  throw new BerthError('Docker Compose is not installed: neither `docker compose` (v2) nor `docker-compose` (v1) runs; install the Compose plugin');
}

export function compose(cli: ComposeCli, stack: StackRef, profiles: string[], args: string[]): Command {
  return {
    argv: [
      ...cli.argv,
      '--project-name', stack.name,
      '--project-directory', stack.dir,
      '--file', path.join(stack.dir, COMPOSE_FILE),
      ...profiles.flatMap((p) => ['--profile', p]),
      ...args,
    ],
    cwd: stack.dir,
  };
}

export const composeArgs = {
  /** Creates (or recreates) the containers without starting them: berth starts them in order. No --detach: v1 refuses it with --no-start. */
  create: (o: { services?: string[]; scale?: Record<string, number>; noDeps?: boolean; removeOrphans?: boolean } = {}) => [
    'up', '--no-start',
    ...(o.removeOrphans ? ['--remove-orphans'] : []),
    ...(o.noDeps ? ['--no-deps'] : []),
    ...Object.entries(o.scale ?? {}).flatMap(([s, n]) => ['--scale', `${s}=${n}`]),
    ...(o.services ?? []),
  ],
  up: (o: { build?: boolean; services?: string[]; scale?: Record<string, number>; noDeps?: boolean; noRecreate?: boolean } = {}) => [
    'up', '--detach', '--remove-orphans',
    ...(o.build ? ['--build'] : []),
    ...(o.noDeps ? ['--no-deps'] : []),
    ...(o.noRecreate ? ['--no-recreate'] : []),
    ...Object.entries(o.scale ?? {}).flatMap(([s, n]) => ['--scale', `${s}=${n}`]),
    ...(o.services ?? []),
  ],
  down: (o: { volumes?: boolean } = {}) => ['down', '--remove-orphans', ...(o.volumes ? ['--volumes'] : [])],
  restart: (services: string[]) => ['restart', ...services],
  /** Stops and removes these services' containers (down of part of a stack). */
  rm: (services: string[]) => ['rm', '--stop', '--force', ...services],
  stop: () => ['stop'],
  logs: (o: { follow?: boolean; tail?: number; color: boolean; services: string[] }) => [
    'logs', ...(o.follow ? ['--follow'] : []), ...(o.tail !== undefined ? ['--tail', String(o.tail)] : []), ...(o.color ? [] : ['--no-color']), ...o.services,
  ],
  exec: (o: { service: string; tty: boolean; index?: number; argv: string[] }) => ['exec', ...(o.tty ? [] : ['-T']), ...(o.index ? ['--index', String(o.index)] : []), o.service, ...o.argv],
  build: (o: { noCache?: boolean; services?: string[] }) => ['build', ...(o.noCache ? ['--no-cache'] : []), ...(o.services ?? [])],
  pull: (services: string[]) => ['pull', ...services],
};
