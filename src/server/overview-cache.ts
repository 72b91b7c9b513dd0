/**
 * GET /api/v1/stacks under load: a look at every stack (its files, read
 * asynchronously a few at a time, and one container listing from the engine)
 * takes tens of milliseconds for 100 stacks, so concurrent callers share one
 * look (one in flight at a time), and a look answers for `maxAgeMs` (1 s)
 * after it began. An older one, up to 5 x `maxAgeMs`, still answers at once
 * while the next look is under way (stale while revalidate): no caller waits
 * for a look while callers keep coming. How stale an answer can be:
 * - what the server itself changes (a job that ends, a generate, a removed
 *   stack) drops the look at once, and callers wait for a new one, so a
 *   caller never sees the state from before its own change;
 * - a change made outside (a container that died, berth run on the host)
 *   shows once a look that began after it answers: while callers keep coming,
 *   within `maxAgeMs` plus one look; never later than 5 x `maxAgeMs`, after
 *   which callers wait for a new look (also when the last one failed).
 */
import type { OpsDeps } from '../ops/deps.js';
import { stacksOverview, type StacksOverview } from '../ops/overview.js';
import type { EventBus } from './events.js';

/** A look older than this many times `maxAgeMs` (nobody asked for a while) is not answered with: callers wait for a new one. */
const STALE_AT_MOST = 5;

export class OverviewCache {
  private last?: { at: number; value: StacksOverview; generation: number };
  private inflight?: Promise<StacksOverview>;
  /** Bumped by every change the server makes; a look that started before one is not kept. */
  private generation = 0;

  constructor(
    private readonly deps: OpsDeps,
    bus: EventBus,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    bus.on((e) => {
      if ((e.type === 'job' && ['succeeded', 'failed'].includes(e.job.state)) || e.type === 'stack.removed') this.invalidate();
    });
  }

  invalidate(): void {
    this.generation++;
    this.last = undefined;
    this.inflight = undefined;
  }

  get(): Promise<StacksOverview> {
    const kept = this.last && this.last.generation === this.generation ? this.last : undefined;
    if (kept && this.now() - kept.at < this.maxAgeMs) return Promise.resolve(kept.value);
    if (kept && this.now() - kept.at < STALE_AT_MOST * this.maxAgeMs) {
      // Old: look again, and answer with the last look meanwhile (a failed look keeps it until the next call).
      this.inflight ??= this.look();
      this.inflight.catch(() => undefined);
      return Promise.resolve(kept.value);
    }
    return (this.inflight ??= this.look());
  }

  private look(): Promise<StacksOverview> {
    const generation = this.generation;
    const at = this.now();
    const look = stacksOverview(this.deps).then((value) => {
      if (this.generation === generation) this.last = { at, value, generation };
      return value;
    });
    const done = () => {
      if (this.inflight === look) this.inflight = undefined;
    };
    look.then(done, done);
    return look;
  }
}
