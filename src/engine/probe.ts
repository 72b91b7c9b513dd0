/**
 * berth's own readiness probe. Generated health checks run every 15 s or more
 * (probes cost CPU and log lines for the whole life of a container), so
 * Docker's first verdict on a new container comes late. While it is still
 * "starting", berth runs the container's own health command itself (the test
 * Docker would run, read from the container, interpolated as Compose wrote
 * it) through the Engine API, as often as it polls. A pass is remembered for
 * the container until Docker gives a verdict of its own.
 */
import type { ContainerSummary, Engine, ExecResult } from './docker-api.js';
import { parseHealth } from './state.js';

interface Test {
  argv: string[];
  timeoutMs: number;
}

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
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly engine: Engine) {}

  /**
   * Probes every running container Docker still calls "starting" that has not
   * passed yet (one probe per container at a time), waiting at most `waitMs`
   * for the answers, so a quick pass counts in this poll and a slow probe
   * does not hold it up.
   */
  async probe(containers: ContainerSummary[], waitMs: number): Promise<void> {
    const due = containers.filter((c) => c.State === 'running' && parseHealth(c.Status) === 'starting' && !this.confirmed.has(c.Id));
    const started = due.map((c) => this.running.get(c.Id) ?? this.launch(c.Id));
    if (!started.length) return;
    await Promise.race([Promise.all(started), new Promise((r) => setTimeout(r, waitMs))]);
  }

  private launch(id: string): Promise<void> {
    const p = this.once(id)
      .then((ok) => void (ok && this.confirmed.add(id)))
      .catch(() => undefined)
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
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
