/** A probe as a Compose healthcheck: Docker's ["CMD", ...] or ["CMD-SHELL", "..."] test and Go durations. */
import type { HttpClient, Probe } from '../../model/probe.js';
import { text, type Text } from '../../model/text.js';
import { composeText } from './text.js';

/** Go's duration syntax, as Compose reads it: whole seconds as `15s`, anything finer in ms. */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An HTTP GET of `url` with the client the image has. */
function httpTest(url: Text, via: HttpClient): Text[] {
  switch (via) {
    case 'wget':
      return ['CMD', 'wget', '-q', '--spider', url];
    case 'curl':
      return ['CMD', 'curl', '-fsS', '-o', '/dev/null', url];
    case 'curl-or-wget':
      return ['CMD-SHELL', text`curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`];
    case 'node':
      return ['CMD', 'node', '-e', text`fetch('${url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
  }
}

export function healthTest(p: Probe): string[] {
  const test = 'http' in p ? httpTest(text`http://127.0.0.1:${p.http.port}${p.http.path}`, p.via) : 'exec' in p ? ['CMD', ...p.exec] : ['CMD-SHELL', p.shell];
  return test.map(composeText);
}

export function composeHealthcheck(p: Probe): Record<string, unknown> {
  return { test: healthTest(p), interval: goDuration(p.intervalMs), timeout: goDuration(p.timeoutMs), retries: p.retries, start_period: goDuration(p.startPeriodMs) };
}
