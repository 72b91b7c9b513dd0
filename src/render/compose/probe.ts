/** A probe as a Compose healthcheck: Docker's ["CMD", ...] or ["CMD-SHELL", "..."] test and Go durations. */
import type { HttpClient, Probe } from '../../model/probe.js';

/** Go's duration syntax, as Compose reads it: whole seconds as `15s`, anything finer in ms. */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An HTTP GET of `url` with the client the image has. */
function httpTest(url: string, via: HttpClient): string[] {
  switch (via) {
    case 'wget':
      return ['CMD', 'wget', '-q', '--spider', url];
    case 'curl':
      return ['CMD', 'curl', '-fsS', '-o', '/dev/null', url];
    case 'curl-or-wget':
      return ['CMD-SHELL', `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`];
    case 'node':
      return ['CMD', 'node', '-e', `fetch('${url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
  }
}

export function healthTest(p: Probe): string[] {
  if ('http' in p) return httpTest(`http://127.0.0.1:${p.http.port}${p.http.path}`, p.via);
  if ('exec' in p) return ['CMD', ...p.exec];
  return ['CMD-SHELL', p.shell];
}

export function composeHealthcheck(p: Probe): Record<string, unknown> {
  return { test: healthTest(p), interval: goDuration(p.intervalMs), timeout: goDuration(p.timeoutMs), retries: p.retries, start_period: goDuration(p.startPeriodMs) };
}
