import type { Healthcheck } from './types.js';

/**
 * Health timing. Docker runs the first probe one `interval` after start and then
 * every `interval`, so the interval is the lag between "ready" and "healthy" that
 * every `up` pays. Cheap probes (pg_isready, redis-cli, wget) run every 2s; probes
 * that start a JVM or a Node shell run every 10s. `start_period` forgives failures
 * while a service boots; `retries` decides how long a live service may fail before
 * it is marked unhealthy. `healthcheck:` in stack.yaml overrides any of these.
 */
export const FAST = { interval: '2s', timeout: '5s', retries: 15, startPeriod: '30s' } as const;
export const SLOW = { interval: '10s', timeout: '10s', retries: 6, startPeriod: '60s' } as const;

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
