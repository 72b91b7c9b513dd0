import type { IO } from './io.js';
import { berthHome } from '../store/home.js';
import type { Runner } from '../engine/runner.js';
import type { Engine } from '../engine/docker-api.js';

/** Everything a command gets: the IO, BERTH_HOME, and the runner that executes engine commands. */
export interface Context {
  io: IO;
  home: string;
  /** Injected by tests (recording runner); real commands create the process runner lazily. */
  runner?: Runner;
  /** Injected by tests; real commands talk to the engine API lazily. */
  engine?: Engine;
}

export function makeContext(io: IO, runner?: Runner, engine?: Engine): Context {
  return { io, home: berthHome(io.env), runner, engine };
}
