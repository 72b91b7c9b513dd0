import type { Healthcheck } from '../model/probe.js';

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
export const FAST = { interval: '15s', timeout: '5s', retries: 3, startPeriod: '60s' } as const;
export const SLOW = { interval: '30s', timeout: '10s', retries: 3, startPeriod: '60s' } as const;

export function cmd(args: string[], timing: Partial<Omit<Healthcheck, 'test'>> = FAST): Healthcheck {
  return { ...FAST, ...timing, test: ['CMD', ...args] };
}

export function shell(script: string, timing: Partial<Omit<Healthcheck, 'test'>> = FAST): Healthcheck {
  return { ...FAST, ...timing, test: ['CMD-SHELL', script] };
}

/** `wget --spider` probe of a local HTTP endpoint (images that ship busybox or wget). */
export function httpGet(port: number, path: string, timing: Partial<Omit<Healthcheck, 'test'>> = FAST): Healthcheck {
  return cmd(['wget', '-q', '--spider', `http://127.0.0.1:${port}${path}`], timing);
}
