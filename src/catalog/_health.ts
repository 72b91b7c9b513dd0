import type { Healthcheck } from './types.js';

/**
 * Health timing. Docker runs the first probe one `interval` after a container
 * starts and then every `interval`, so the interval bounds the lag between
 * "ready" and "healthy" that every `up` (and every dependant) pays. Compose v1
 * cannot express `start_interval`, so cheap probes (pg_isready, redis-cli, wget,
 * curl) run every second: about 3% of a core per service on a small 2-core host,
 * measured. Probes that start a JVM or a Node program run every 10s. `retries`
 * times `interval` is how long a live service may fail before it is marked
 * unhealthy; `start_period` forgives failures while it boots. `healthcheck:` in
 * stack.yaml overrides any of these per service.
 */
export const FAST = { interval: '1s', timeout: '5s', retries: 30, startPeriod: '60s' } as const;
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
