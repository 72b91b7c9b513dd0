/**
 * How a service shows it is ready: a check and how often it runs. A check is
 * data: an HTTP GET of a port and path (and which client the image has to make
 * it), a command run directly, or a shell script. Each target writes it in its
 * own form (Compose's CMD/CMD-SHELL tests, a Kubernetes probe).
 */
import type { Text } from './text.js';

/**
 * What the image can make an HTTP request with: busybox or GNU wget, curl,
 * whichever of curl and wget the (user's) image has, or the Node runtime.
 */
export type HttpClient = 'wget' | 'curl' | 'curl-or-wget' | 'node';

/**
 * An HTTP GET of a port of the container itself. `scheme: 'https'` is for a
 * server with a certificate of its own making, so the probe does not verify it.
 */
export interface HttpCheck {
  port: number;
  path: Text;
  scheme?: 'https';
}

export type ProbeCheck = { http: HttpCheck; via: HttpClient } | { exec: Text[] } | { shell: Text };

export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
  /** Failures in a row before a running service is unhealthy. */
  retries: number;
  /** Failures while it starts are forgiven for this long. */
  startPeriodMs: number;
}

export type Probe = ProbeCheck & ProbeTiming;

/** The probe with `f` applied to each text of its check (a command's arguments, a script, an HTTP path). */
export function mapProbeText(p: Probe, f: (text: Text) => Text): Probe {
  if ('http' in p) return { ...p, http: { ...p.http, path: f(p.http.path) } };
  if ('exec' in p) return { ...p, exec: p.exec.map(f) };
  return { ...p, shell: f(p.shell) };
}

/** Every text of the probe's check, in order. */
export function probeTexts(p: Probe): Text[] {
  if ('http' in p) return [p.http.path];
  if ('exec' in p) return p.exec;
  return [p.shell];
}
