import type { HttpClient, Probe, ProbeTiming } from '../model/probe.js';
import type { Text } from '../model/text.js';

/**
 * Health timing. A probe costs CPU (a process started in the container) and,
 * for HTTP probes, a log line, for the whole life of the container: once a
 * stack runs, it only has to notice a service that stops answering. So probes
 * run every 15 s (30 s for those that start a JVM or a Node program), not
 * every second. `berth up` does not wait for Docker's first scheduled probe:
 * it runs the same health command itself while a container starts
 * (engine/probe.ts), so readiness is seen as soon as it is true. `retries`
 * times `interval` is how long a live service may fail before it is marked
 * unhealthy; `start_period` forgives failures while it boots. `healthcheck:`
 * in stack.yaml overrides any of these per service.
 */
export const FAST: ProbeTiming = { intervalMs: 15_000, timeoutMs: 5_000, retries: 3, startPeriodMs: 60_000 };
export const SLOW: ProbeTiming = { intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 60_000 };

/** A command run directly in the container. */
export function cmd(args: Text[], timing: ProbeTiming = FAST): Probe {
  return { exec: args, ...timing };
}

export function shell(script: Text, timing: ProbeTiming = FAST): Probe {
  return { shell: script, ...timing };
}

/** An HTTP GET of a local port, made with the client the image has (wget --spider unless said otherwise). */
export function httpGet(port: number, path: Text, timing: ProbeTiming = FAST, via: HttpClient = 'wget'): Probe {
  return { http: { port, path }, via, ...timing };
}
