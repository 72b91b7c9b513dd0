/**
 * berth's own readiness probe. Generated health checks run every 15 s or more
 * (probes cost CPU and log lines for the whole life of a container), so
 * Docker's first verdict on a new container comes late. While it is still
 * "starting", berth runs the container's own health command itself (the test
 * Docker would run, read from the container, interpolated as Compose wrote
 * it) through the Engine API, again as soon as the last run failed (after a
 * short pause), so readiness is seen within a probe's time of being true. A
 * pass is remembered for the container until Docker gives a verdict of its own.
 */
import type { ContainerSummary, Engine, ExecResult } from './docker-api.js';
import { parseHealth } from './state.js';

interface Test {
  argv: string[];
  timeoutMs: number;
}

/** Pause between a failed run of a container's probe and the next. */
const RETRY_MS = 100;

/** Docker's Test form as argv: ["CMD", ...argv] or ["CMD-SHELL", script]; none for NONE or no test. */
export function testArgv(test: string[] | undefined): string[] | undefined {
  if (!test?.length) return undefined;
  if (test[0] === 'CMD') return test.length > 1 ? test.slice(1) : undefined;
  if (test[0] === 'CMD-SHELL') return test[1] !== undefined ? ['/bin/sh', '-c', test[1]] : undefined;
  return undefined;
}

export class Prober {
  /** Containers whose health command passed when berth ran it. */
  readonly confirmed = new Set<string>();
  /** The last failing run of a container's health command, as berth saw it. */
  readonly failures = new Map<string, ExecResult | 'timeout'>();
  private readonly tests = new Map<string, Test | null>();
  /** Containers being probed, with the time each was last seen still starting. */
  private readonly probing = new Map<string, number>();
  private stopped = false;

  constructor(private readonly engine: Engine) {}

  /**
   * Keeps probing every running container Docker still calls "starting" until
   * it passes (or is no longer seen so), waiting at most `waitMs` for a
   * first answer, so a quick pass counts in this poll and a slow probe does
   * not hold it up.
   */
  async probe(containers: ContainerSummary[], waitMs: number): Promise<void> {
    const now = Date.now();
    const due = containers.filter((c) => c.State === 'running' && parseHealth(c.Status) === 'starting' && !this.confirmed.has(c.Id));
    const fresh = due.filter((c) => !this.probing.has(c.Id));
    for (const c of due) this.probing.set(c.Id, now);
    const first = fresh.map((c) => this.loop(c.Id));
    if (first.length) await Promise.race([Promise.all(first), new Promise((r) => setTimeout(r, waitMs))]);
  }

  /** One run of each due container's probe (status: a reading, not a wait), answers awaited at most `waitMs`. */
  async probeOnce(containers: ContainerSummary[], waitMs: number): Promise<void> {
    const due = containers.filter((c) => c.State === 'running' && parseHealth(c.Status) === 'starting' && !this.confirmed.has(c.Id));
    const runs = due.map((c) => this.once(c.Id).then((ok) => void (ok && this.confirmed.add(c.Id)), () => undefined));
    if (runs.length) await Promise.race([Promise.all(runs), new Promise((r) => setTimeout(r, waitMs).unref())]);
  }

  /** Stops every probe loop (the caller is done waiting). */
  stop(): void {
    this.stopped = true;
  }

  /** Probes one container until it passes, the prober stops, or no poll has seen it starting for a while. */
  private async loop(id: string): Promise<void> {
    try {
      while (!this.stopped && Date.now() - (this.probing.get(id) ?? 0) < 2000) {
        if (await this.once(id)) return void this.confirmed.add(id);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    } catch {
      // The container went away or the engine stopped answering: the next poll sees it.
    } finally {
      this.probing.delete(id);
    }
  }

  private async once(id: string): Promise<boolean> {
    const test = await this.testOf(id);
    if (!test) return false;
    const r = await this.engine.exec(id, test.argv, test.timeoutMs);
    if (r?.exitCode === 0) return true;
    this.failures.set(id, r ?? 'timeout');
    return false;
  }

  private async testOf(id: string): Promise<Test | null> {
    if (!this.tests.has(id)) {
      const hc = (await this.engine.inspect(id)).Config.Healthcheck;
      const argv = testArgv(hc?.Test);
      // Docker keeps durations in nanoseconds; 30 s is its default timeout.
      this.tests.set(id, argv ? { argv, timeoutMs: hc?.Timeout ? Math.ceil(hc.Timeout / 1e6) : 30_000 } : null);
    }
    return this.tests.get(id)!;
  }
}
