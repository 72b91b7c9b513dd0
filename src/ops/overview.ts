/**
 * Every stack of this host at a glance, and one stack in full: what `berth
 * list` and `berth status` say, together, as a dashboard, a REST API or an
 * agent's heartbeat wants them. Stack files are read even when the engine does
 * not answer: the stacks are then listed with the state `unknown` and the
 * engine's error, so one bad engine never hides what is stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError, isBerthError, type ErrorCode } from '../errors.js';
import type { Manifest } from '../model/manifest.js';
import { MANIFEST_FILE } from '../render/files.js';
import { isAbsent } from '../util/fs-errors.js';
import type { OpsDeps } from './deps.js';
import { damagedRow, stackRow, type StackRow } from './list.js';
import { showStack, type StackDetails } from './show.js';
import { damagedSummary, engineView, stackStatus, stackSummary, type EngineView, type StackStatus, type StackSummary } from './status.js';

export interface StackOverviewRow extends StackRow {
  state: StackSummary['state'] | 'unknown';
  /** Active services that are ready, of `activeServices`. */
  ready: number;
  activeServices: number;
}

export interface StacksOverview {
  /** Whether the engine answered; when not, every state is `unknown`. */
  engine: { ok: true } | { ok: false; code: ErrorCode; message: string };
  stacks: StackOverviewRow[];
}

/** An engine that does not answer is a state to show, not a failure of the listing. */
function engineDown(e: unknown): e is BerthError {
  return isBerthError(e) && e.code === 'engine_unreachable';
}

/** Stacks read at the same time: enough to keep the disk busy, few enough that each batch's parsing is short. */
const BATCH = 8;

/**
 * Every stored stack once (its manifest read once, for its row and its
 * state), without blocking: the files are read asynchronously, a few stacks
 * at a time, so a server answers other requests while it looks at 100 stacks.
 */
export async function stacksOverview(deps: OpsDeps): Promise<StacksOverview> {
  const names = deps.store.stacks.names();
  let seen: EngineView | undefined;
  let engine: StacksOverview['engine'] = { ok: true };
  try {
    seen = await engineView(deps);
  } catch (e) {
    if (!engineDown(e)) throw e;
    engine = { ok: false, code: e.code, message: e.message };
  }
  const stacks: StackOverviewRow[] = [];
  for (let i = 0; i < names.length; i += BATCH) {
    for (const rows of await Promise.all(names.slice(i, i + BATCH).map((n) => overviewRow(deps, n, seen)))) stacks.push(...rows);
  }
  return { engine, stacks };
}

const isDamaged = (e: unknown): e is BerthError => isBerthError(e) && e.code === 'damaged';

/** One stack's row with its state (`unknown` without the engine's view); none when it has no manifest (any more). */
async function overviewRow(deps: OpsDeps, name: string, seen: EngineView | undefined): Promise<StackOverviewRow[]> {
  const dir = deps.store.stacks.dir(name);
  let row: StackRow;
  let m: Manifest | undefined;
  try {
    m = await deps.store.stacks.manifestAsync(name);
    const written = m && (await fs.promises.stat(path.join(dir, MANIFEST_FILE)).catch((e) => (isAbsent(e) ? undefined : Promise.reject(e))));
    if (!m || !written) return []; // no manifest: not written yet, or removed while it was being read
    row = stackRow(name, dir, m, written.mtime);
  } catch (e) {
    if (!isDamaged(e)) throw e;
    deps.onEvent({ type: 'warning', message: e.message });
    return [{ ...damagedRow(name, dir, e.message), state: 'damaged', ready: 0, activeServices: 0 }];
  }
  if (!seen) return [{ ...row, state: 'unknown', ready: 0, activeServices: 0 }];
  let s: StackSummary;
  try {
    s = stackSummary(m, await deps.store.runtime.readAsync(name), seen);
  } catch (e) {
    if (!isDamaged(e)) throw e;
    s = damagedSummary(name); // its run-time state: listed, with its services, as damaged
  }
  return [{ ...row, state: s.state, ready: s.ready, activeServices: s.services }];
}

export interface StackDetailsWithStatus {
  details: StackDetails;
  status: StackStatus;
}

/** One stack: what it is made of (never a secret value) and how each service runs now. */
export async function stackOverview(deps: OpsDeps, name: string): Promise<StackDetailsWithStatus> {
  const details = showStack(deps, name);
  return { details, status: await stackStatus(deps, name) };
}
