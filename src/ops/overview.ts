/**
 * Every stack of this host at a glance, and one stack in full: what `berth
 * list` and `berth status` say, together, as a dashboard, a REST API or an
 * agent's heartbeat wants them. Stack files are read even when the engine does
 * not answer: the stacks are then listed with the state `unknown` and the
 * engine's error, so one bad engine never hides what is stored.
 */
import { BerthError, isBerthError, type ErrorCode } from '../errors.js';
import type { OpsDeps } from './deps.js';
import { listStacks, type StackRow } from './list.js';
import { showStack, type StackDetails } from './show.js';
import { allStatus, stackStatus, type StackStatus, type StackSummary } from './status.js';

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

export async function stacksOverview(deps: OpsDeps): Promise<StacksOverview> {
  const rows = listStacks(deps);
  let summaries: StackSummary[] = [];
  let engine: StacksOverview['engine'] = { ok: true };
  try {
    summaries = await allStatus(deps);
  } catch (e) {
    if (!engineDown(e)) throw e;
    engine = { ok: false, code: e.code, message: e.message };
  }
  const byName = new Map(summaries.map((s) => [s.name, s]));
  const stacks = rows.map((r): StackOverviewRow => {
    const s = byName.get(r.name);
    if (r.damaged) return { ...r, state: 'damaged', ready: 0, activeServices: 0 };
    return { ...r, state: s?.state ?? 'unknown', ready: s?.ready ?? 0, activeServices: s?.services ?? 0 };
  });
  return { engine, stacks };
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
