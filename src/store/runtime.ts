/**
 * Run-time state a stack's files do not hold, in $BERTH_HOME/runtime/<stack>.json:
 * - `scale`: replicas set by `berth scale`, until the next `up` or `down`
 *   (Compose resets them to the file's), so status can tell a service scaled
 *   to 0 from one that is down;
 * - `vars` and `profiles`: choices made at `berth up` (--var, --profile) that
 *   later lifecycle commands keep, until the next up;
 * - `initSecrets`: fingerprints (salted scrypt, never the value) of the
 *   secrets a database read when its data was created, so a changed one is
 *   caught before it locks the stack's clients out.
 * Versioned and validated on read; a damaged file is reported, not ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { BerthError } from '../errors.js';
import { isAbsent } from '../util/fs-errors.js';
import { validateStackName } from './home.js';

const FORMAT = 1;

const RuntimeSchema = v.object({
  format: v.optional(v.literal(FORMAT)),
  scale: v.optional(v.record(v.string(), v.pipe(v.number(), v.integer(), v.minValue(0)))),
  vars: v.optional(v.record(v.string(), v.string())),
  profiles: v.optional(v.array(v.string())),
  initSecrets: v.optional(v.record(v.string(), v.string())),
});

export interface RuntimeState {
  /** service -> replicas set at run time. */
  scale: Record<string, number>;
  /** Variables set with `up --var`, on top of the stack's. */
  vars?: Record<string, string>;
  /** Profiles chosen with `up --profile`, instead of the stack's. */
  profiles?: string[];
  /** .env name -> fingerprint of the value the data was created with. */
  initSecrets: Record<string, string>;
}

function file(home: string, name: string): string {
  return path.join(home, 'runtime', `${validateStackName(name)}.json`);
}

export function readRuntime(home: string, name: string): RuntimeState {
  return readRuntimeFile(file(home, name));
}

/** The run-time state kept in file `f` (a stack's, or a node's beside its releases). */
export function readRuntimeFile(f: string): RuntimeState {
  let text: string;
  try {
    text = fs.readFileSync(f, 'utf8');
  } catch (e) {
    if (isAbsent(e)) return none();
    throw e;
  }
  return parseRuntime(text, f);
}

/** The same for a stack, read without blocking (a server listing every stack). */
export async function readRuntimeAsync(home: string, name: string): Promise<RuntimeState> {
  const f = file(home, name);
  let text: string;
  try {
    text = await fs.promises.readFile(f, 'utf8');
  } catch (e) {
    if (isAbsent(e)) return none();
    throw e;
  }
  return parseRuntime(text, f);
}

const none = (): RuntimeState => ({ scale: {}, initSecrets: {} });

function parseRuntime(text: string, f: string): RuntimeState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const r = v.safeParse(RuntimeSchema, data);
  if (!r.success) {
    throw new BerthError(`${f}: damaged (not berth's run-time state); delete it (it holds run-time scale, --var and --profile choices, and database password fingerprints)`, { code: 'damaged', path: f });
  }
  return { scale: r.output.scale ?? {}, vars: r.output.vars, profiles: r.output.profiles, initSecrets: r.output.initSecrets ?? {} };
}

/** Applies `change` to the stored state; written beside, then renamed, so a reader never sees half a file. */
export function updateRuntime(home: string, name: string, change: (s: RuntimeState) => RuntimeState): void {
  updateRuntimeFile(file(home, name), change);
}

export function updateRuntimeFile(f: string, change: (s: RuntimeState) => RuntimeState): void {
  const next = change(readRuntimeFile(f));
  fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
  const empty = !Object.keys(next.scale).length && !next.vars && !next.profiles && !Object.keys(next.initSecrets).length;
  if (empty) return fs.rmSync(f, { force: true });
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, ...next }) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, f);
}

/** Everything berth knows about a stack at run time goes with its data (clean). */
export function forgetRuntime(home: string, name: string): void {
  fs.rmSync(file(home, name), { force: true });
}
