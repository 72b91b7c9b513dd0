/**
 * Lifecycle actions on a stored stack as data: what a server queues as a job
 * and an agent runs for a server. `checkAction` refuses what cannot work
 * (unknown stack or service, a bad scale) before anything is queued, so the
 * caller answers at once; `runAction` does it, later, through the same
 * operations the CLI calls.
 */
import type { ServiceView } from '../engine/state.js';
import type { OpsDeps } from './deps.js';
import { downStack } from './lifecycle.js';
import { restartStack } from './restart.js';
import { parseScale, scaleStack } from './scale.js';
import { ensureEngine, expandServices, openStack, type Session } from './session.js';
import { upStack } from './up.js';
import { rollbackStack } from './rollback.js';
import { HERE } from '../model/release.js';
import { BerthError } from '../errors.js';

export type StackAction =
  | { action: 'up'; services?: string[]; wait?: boolean; timeoutMs?: number }
  | { action: 'down'; services?: string[] }
  | { action: 'restart'; services?: string[]; wait?: boolean; timeoutMs?: number }
  | { action: 'scale'; replicas: Record<string, number>; wait?: boolean; timeoutMs?: number }
  /** This host's part back at release N (default: the last healthy one before the running one). */
  | { action: 'rollback'; release?: number; timeoutMs?: number };

export const ACTIONS = ['up', 'down', 'restart', 'scale', 'rollback'] as const;

/** How long an action waits for health unless told: as long as `berth up` does. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** The action with its services expanded and its scale checked; throws a usage or not_found error. */
export function checkAction(deps: OpsDeps, stack: string, a: StackAction): StackAction {
  const s = openStack(deps, stack);
  if (a.action === 'rollback') return checkRollback(deps, stack, a);
  if (a.action === 'scale') return { ...a, replicas: parseScale(s, Object.entries(a.replicas).map(([k, n]) => `${k}=${n}`)) };
  return { ...a, services: expandServices(s, a.services ?? []) };
}

/** A rollback of a stack that has releases here, to one that ran here. */
function checkRollback(deps: OpsDeps, stack: string, a: Extract<StackAction, { action: 'rollback' }>): StackAction {
  const here = deps.store.releases.list(stack).filter((r) => r.nodes[HERE]);
  if (!here.length) throw new BerthError(`stack ${stack} has no releases on this host yet; an up makes the first`, { code: 'not_found' });
  if (a.release !== undefined && !here.some((r) => r.number === a.release)) {
    throw new BerthError(`release: stack ${stack} has no release ${a.release} on this host; its releases here: ${here.map((r) => r.number).join(', ')}`, { code: 'not_found', path: 'release' });
  }
  return a;
}

export interface ActionProgress {
  /** The services as the engine shows them, while the action waits for health. */
  onUpdate?(views: ServiceView[]): void;
}

/** Runs a checked action; resolves to what it did, as data. */
export async function runAction(deps: OpsDeps, stack: string, a: StackAction, p: ActionProgress = {}): Promise<Record<string, unknown>> {
  const s: Session = openStack(deps, stack);
  const wait = a.action === 'down' ? false : !('wait' in a) || a.wait !== false;
  const timeoutMs = ('timeoutMs' in a && a.timeoutMs) || DEFAULT_TIMEOUT_MS;
  await ensureEngine(s);
  switch (a.action) {
    case 'up': {
      const r = await upStack(s, { wait, timeoutMs, services: a.services?.length ? a.services : undefined, release: true, onUpdate: p.onUpdate });
      return { stack, ready: wait, elapsedMs: r.elapsedMs, services: r.views.map((v) => ({ name: v.name, state: v.state, containers: v.containers.length })) };
    }
    case 'down': {
      const r = await downStack(s, a.services ?? []);
      return { stack, down: r.services === 'all' ? true : r.services, volumesKept: r.volumesKept };
    }
    case 'restart':
      await restartStack(s, { services: a.services ?? [], wait, timeoutMs, onUpdate: p.onUpdate });
      return { stack, restarted: a.services?.length ? a.services : 'all' };
    case 'scale':
      await scaleStack(s, a.replicas, { wait, timeoutMs, onUpdate: p.onUpdate });
      return { stack, scale: a.replicas };
    case 'rollback': {
      const r = await rollbackStack(deps, stack, a.release, { nodes: [HERE], timeoutMs, onUpdate: (_, v) => p.onUpdate?.(v) });
      return { stack, release: r.number, runs: r.nodes[HERE] };
    }
  }
}
