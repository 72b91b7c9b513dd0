/**
 * Samples every stack's state (through the events poller, so a sample and a
 * listener share one look at the engine) at a steady pace while the server
 * runs, for the dashboard's health timeline, and drops samples older than it
 * keeps. A look that fails records nothing: the timeline shows a gap, not a
 * guess.
 */
import type { SampleStore } from '../store/records/samples.js';
import type { StackWatcher } from './events.js';

export interface SamplerOptions {
  watcher: StackWatcher;
  store: SampleStore;
  /** Between samples (default a minute; 0: only when asked). */
  everyMs?: number;
  /** How long samples are kept (default a day). */
  keepMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export const SAMPLE_EVERY_MS = 60_000;
export const SAMPLES_KEPT_MS = 24 * 3600_000;

export class StackSampler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;
  readonly everyMs: number;
  readonly keepMs: number;

  constructor(private readonly o: SamplerOptions) {
    this.everyMs = o.everyMs ?? SAMPLE_EVERY_MS;
    this.keepMs = o.keepMs ?? SAMPLES_KEPT_MS;
  }

  start(): void {
    if (!this.everyMs) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
  }

  /** One sample of every stack, and the old ones pruned; errors are logged once until it works again. */
  sample(): Promise<void> {
    this.running ??= this.take().finally(() => (this.running = undefined));
    return this.running;
  }

  private async take(): Promise<void> {
    try {
      await this.o.watcher.poll();
      const snap = this.o.watcher.snapshot();
      const now = this.o.now?.() ?? Date.now();
      const at = new Date(now).toISOString();
      // States the engine could not tell are not samples.
      if (snap.engine?.ok) await this.o.store.add(snap.stacks.map((s) => ({ stack: s.name, at, state: s.state, ready: s.ready, active: s.activeServices })));
      await this.o.store.prune(new Date(now - this.keepMs).toISOString());
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.o.log?.(`cannot record stack samples: ${(e as Error).message}`);
      this.failing = true;
    }
  }

  /** Stops sampling and waits for a sample under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
