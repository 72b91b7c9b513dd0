/**
 * What changes, for whoever listens (the events stream, later the
 * dashboard): jobs as they move through their states and log, and stacks as
 * their state changes. Stack states come from polling the engine every 2 s,
 * and only while someone listens: an idle server asks the engine nothing.
 */
import { EventEmitter } from 'node:events';
import type { OpsDeps } from '../ops/deps.js';
import { stacksOverview, type StacksOverview } from '../ops/overview.js';
import type { Job } from '../store/records/jobs.js';
import type { AgentView } from './agent-hub.js';

export interface StackState {
  name: string;
  state: string;
  ready: number;
  activeServices: number;
}

export type ServerEvent =
  | { type: 'job'; job: Job }
  | { type: 'job.log'; id: string; seq: number; time: string; line: string }
  | { type: 'stack'; stack: StackState }
  | { type: 'stack.removed'; name: string }
  | { type: 'engine'; engine: StacksOverview['engine'] }
  /** An agent enrolled, sent a heartbeat, went offline or was revoked. */
  | { type: 'agent'; agent: AgentView };

export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  emit(e: ServerEvent): void {
    this.emitter.emit('event', e);
  }
  on(fn: (e: ServerEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => void this.emitter.off('event', fn);
  }
}

const same = (a: StackState, b: StackState) => a.state === b.state && a.ready === b.ready && a.activeServices === b.activeServices;

export class StackWatcher {
  private listeners = 0;
  private timer?: NodeJS.Timeout;
  private last = new Map<string, StackState>();
  private engine?: StacksOverview['engine'];
  private polling?: Promise<void>;
  /** When the last poll finished (ms), for readers that accept a recent answer. */
  polledAt = 0;

  constructor(
    private readonly deps: OpsDeps,
    private readonly bus: EventBus,
    private readonly everyMs = 2000,
  ) {}

  /** The stacks as last seen (empty before the first poll). */
  snapshot(): { stacks: StackState[]; engine?: StacksOverview['engine']; at: number } {
    return { stacks: [...this.last.values()], engine: this.engine, at: this.polledAt };
  }

  /** Starts polling with the first listener; returns how to stop listening. */
  listen(): () => void {
    if (this.listeners++ === 0) {
      void this.poll();
      this.timer = setInterval(() => void this.poll(), this.everyMs);
      this.timer.unref();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.listeners === 0) clearInterval(this.timer);
    };
  }

  /** One look at every stack; changes are emitted. Overlapping calls share one look. */
  poll(): Promise<void> {
    this.polling ??= this.look().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async look(): Promise<void> {
    let o: StacksOverview;
    try {
      o = await stacksOverview(this.deps);
    } catch (e) {
      o = { engine: { ok: false, code: 'failed', message: (e as Error).message }, stacks: [] };
      if (this.engine?.ok !== false) this.bus.emit({ type: 'engine', engine: o.engine });
      this.engine = o.engine;
      return;
    }
    if (JSON.stringify(o.engine) !== JSON.stringify(this.engine)) this.bus.emit({ type: 'engine', engine: o.engine });
    this.engine = o.engine;
    const seen = new Set<string>();
    for (const s of o.stacks) {
      const now: StackState = { name: s.name, state: s.state, ready: s.ready, activeServices: s.activeServices };
      seen.add(s.name);
      const before = this.last.get(s.name);
      if (!before || !same(before, now)) this.bus.emit({ type: 'stack', stack: now });
      this.last.set(s.name, now);
    }
    for (const name of [...this.last.keys()].filter((n) => !seen.has(n))) {
      this.last.delete(name);
      this.bus.emit({ type: 'stack.removed', name });
    }
    this.polledAt = Date.now();
  }
}
