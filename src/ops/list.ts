/** berth list: every stored stack with its services, ports and profiles; a damaged one is listed as such, never hiding the others. */
import fs from 'node:fs';
import path from 'node:path';
import { isBerthError } from '../errors.js';
import { MANIFEST_FILE } from '../render/files.js';
import type { Manifest } from '../model/manifest.js';
import type { OpsDeps } from './deps.js';

export interface StackRow {
  name: string;
  /** What is wrong with its stored files, when they cannot be read. */
  damaged?: string;
  services: string[];
  ports: number[];
  profiles: string[];
  dir: string;
  /** When it was last generated (ISO time); empty for a damaged stack. */
  updated: string;
}

/** A stored stack's row, from its manifest and when that was written. */
export function stackRow(name: string, dir: string, m: Manifest, written: Date): StackRow {
  return {
    name,
    services: m.services.map((s) => s.name),
    ports: m.services.flatMap((s) => s.ports.map((p) => p.host)).sort((a, b) => a - b),
    profiles: m.profiles,
    dir,
    updated: written.toISOString(),
  };
}

/** A stack whose stored files cannot be read, listed as such, with why. */
export const damagedRow = (name: string, dir: string, why: string): StackRow => ({ name, damaged: why, services: [], ports: [], profiles: [], dir, updated: '' });

export function listStacks(deps: OpsDeps): StackRow[] {
  const { stacks } = deps.store;
  return stacks.names().flatMap((name): StackRow[] => {
    const dir = stacks.dir(name);
    try {
      const m = stacks.manifest(name);
      if (!m) return [];
      return [stackRow(name, dir, m, fs.statSync(path.join(dir, MANIFEST_FILE)).mtime)];
    } catch (e) {
      if (!isBerthError(e) || e.code !== 'damaged') throw e;
      deps.onEvent({ type: 'warning', message: e.message });
      return [damagedRow(name, dir, e.message)];
    }
  });
}
