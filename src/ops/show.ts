/** berth show and berth config: what a stored stack is made of, and its Compose file as written. */
import fs from 'node:fs';
import { parse } from 'yaml';
import path from 'node:path';
import type { Manifest } from '../model/manifest.js';
import { validateStackName } from '../store/home.js';
import { listFiles } from '../store/files.js';
import { COMPOSE_FILE } from '../render/files.js';
import type { OpsDeps } from './deps.js';

export interface StackDetails extends Manifest {
  dir: string;
  /** Every file of the stack's folder, relative. */
  files: string[];
  /** Names in .env (never values), Compose's own settings left out. */
  envNames: string[];
}

export function showStack(deps: OpsDeps, name: string): StackDetails {
  validateStackName(name);
  const { stacks } = deps.store;
  const m = stacks.requireManifest(name);
  const dir = stacks.dir(name);
  const envNames = Object.keys(stacks.env(name)).filter((k) => !k.startsWith('COMPOSE_')).sort();
  return { ...m, dir, files: listFiles(dir), envNames };
}

/** The Compose file as data (for --json). */
export function composeFileData(deps: OpsDeps, name: string): unknown {
  return parse(composeFileOf(deps, name));
}

/** The Compose file as written: it holds ${NAME} references, never secret values. */
export function composeFileOf(deps: OpsDeps, name: string): string {
  validateStackName(name);
  deps.store.stacks.requireManifest(name);
  return fs.readFileSync(path.join(deps.store.stacks.dir(name), COMPOSE_FILE), 'utf8');
}
