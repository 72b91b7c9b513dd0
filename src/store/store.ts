/**
 * berth's records behind small interfaces: stacks (their files and manifest),
 * locks (one command per stack), run-time state, and releases. Operations use these, not
 * the files, so a front end that keeps records elsewhere (a server's
 * database) supplies its own without a second copy of the stack logic.
 * fileStore() is the one every front end uses today: $BERTH_HOME on disk.
 */
import fs from 'node:fs';
import type { FileOut } from '../model/files.js';
import type { Manifest } from '../model/manifest.js';
import { replaceDir, repairStackDir } from './atomic.js';
import { stackDir, stacksDir } from './home.js';
import { isLocked, withLock } from './lock.js';
import { forgetRuntime, readRuntime, readRuntimeAsync, updateRuntime, type RuntimeState } from './runtime.js';
import { fileReleases, type ReleaseStore } from './releases.js';
import { listStackNames, readManifest, readManifestAsync, readSpecText, readStackEnv, requireManifest, stackExists } from './stacks.js';

export interface StackStore {
  /** Every stored stack's name; a stack a crash left half-swapped is put back first. */
  names(): string[];
  /** Where a stack's files are (Compose runs there). */
  dir(name: string): string;
  exists(name: string): boolean;
  /** Validated, older formats migrated; undefined when there is none; a damaged one is an error. */
  manifest(name: string): Manifest | undefined;
  /** The same, read without blocking (a server lists every stack between answering others). */
  manifestAsync(name: string): Promise<Manifest | undefined>;
  /** The manifest of a stack that must exist. */
  requireManifest(name: string): Manifest;
  /** .env entries (the stack's variables and secrets). */
  env(name: string): Record<string, string>;
  /** stack.yaml as stored. */
  specText(name: string): string | undefined;
  /** Replaces every file of the stack at once: all or nothing. */
  write(name: string, files: FileOut[]): void;
  /** Puts back a stack a crash left moved aside (callers hold its lock). */
  repair(name: string): void;
  /** Deletes the stack's files. */
  delete(name: string): void;
}

export interface LockStore {
  /** Runs fn holding the stack's lock; `onWait` is told once who holds it, while waiting. */
  withLock<T>(name: string, command: string, fn: () => Promise<T> | T, onWait?: (holder: string) => void): Promise<T>;
  /** Whether a live command holds it now; asked of this machine's locks only (a node's lock answers through withLock). */
  isLocked?(name: string): boolean;
}

export interface RuntimeStore {
  read(name: string): RuntimeState;
  /** The same, read without blocking. */
  readAsync(name: string): Promise<RuntimeState>;
  update(name: string, change: (s: RuntimeState) => RuntimeState): void;
  forget(name: string): void;
}

export interface Store {
  stacks: StackStore;
  locks: LockStore;
  runtime: RuntimeStore;
  /** What berth deploy put on the stack's nodes. */
  releases: ReleaseStore;
}

export function fileStore(home: string): Store {
  return {
    stacks: {
      names: () => listStackNames(home),
      dir: (name) => stackDir(home, name),
      exists: (name) => stackExists(home, name),
      manifest: (name) => readManifest(home, name),
      manifestAsync: (name) => readManifestAsync(home, name),
      requireManifest: (name) => requireManifest(home, name),
      env: (name) => readStackEnv(home, name),
      specText: (name) => readSpecText(home, name),
      write: (name, files) => replaceDir(stackDir(home, name), files),
      repair: (name) => repairStackDir(stacksDir(home), name),
      delete: (name) => fs.rmSync(stackDir(home, name), { recursive: true, force: true }),
    },
    locks: {
      withLock: (name, command, fn, onWait) => withLock(home, name, command, fn, { onWait }),
      isLocked: (name) => isLocked(home, name),
    },
    runtime: {
      read: (name) => readRuntime(home, name),
      readAsync: (name) => readRuntimeAsync(home, name),
      update: (name, change) => updateRuntime(home, name, change),
      forget: (name) => forgetRuntime(home, name),
    },
    releases: fileReleases(home),
  };
}
