/** A probe as a Compose healthcheck: Docker's ["CMD", ...] or ["CMD-SHELL", "..."] test and Go durations. */
import type { HttpCheck, HttpClient, Probe } from '../../model/probe.js';
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

/** The same over HTTPS, not verifying the certificate (the server made it itself). */
function httpsTest(c: HttpCheck, via: HttpClient): Text[] {
  const url = text`https://127.0.0.1:${c.port}${c.path}`;
  switch (via) {
    case 'wget':
      return ['CMD', 'wget', '-q', '--no-check-certificate', '--spider', url];
    case 'curl':
      return ['CMD', 'curl', '-fsSk', '-o', '/dev/null', url];
    case 'curl-or-wget':
      return ['CMD-SHELL', text`curl -fsSk -o /dev/null ${url} || wget -q --no-check-certificate -O /dev/null ${url}`];
    case 'node':
      // fetch cannot skip verification without a dispatcher: the https module can.
      return ['CMD', 'node', '-e', text`require('https').get({host:'127.0.0.1',port:${c.port},path:'${c.path}',rejectUnauthorized:false,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`];
  }
}

function httpProbeTest(c: HttpCheck, via: HttpClient): Text[] {
  return c.scheme === 'https' ? httpsTest(c, via) : httpTest(text`http://127.0.0.1:${c.port}${c.path}`, via);
}

/** Docker's health test as texts (["CMD", ...] or ["CMD-SHELL", script]), for each target to write its references. */
export function healthTestTexts(p: Probe): Text[] {
  return 'http' in p ? httpProbeTest(p.http, p.via) : 'exec' in p ? ['CMD', ...p.exec] : ['CMD-SHELL', p.shell];
}

export function healthTest(p: Probe): string[] {
  return healthTestTexts(p).map(composeText);
}

export function composeHealthcheck(p: Probe): Record<string, unknown> {
  return { test: healthTest(p), interval: goDuration(p.intervalMs), timeout: goDuration(p.timeoutMs), retries: p.retries, start_period: goDuration(p.startPeriodMs) };
}
