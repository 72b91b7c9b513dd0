/**
 * The model's probe as Kubernetes' three: a startup probe that forgives
 * failures for the start period and the retries after it (a datastore that
 * initialises for a minute is not killed meanwhile), then readiness (out of
 * its Service while it fails) and liveness (restarted after `retries`
 * failures in a row). HTTP probes are httpGet, run by the kubelet with no
 * client in the image; commands run as given. Kubernetes does not expand
 * $(NAME) in a probe's command, so one that needs a secret runs in a shell
 * that reads it from the container's env.
 */
import type { Probe } from '../../model/probe.js';
import { isRef, partsOf, type Text } from '../../model/text.js';
import { plainText, varValue, type ContainerText } from './text.js';

/** How often the startup probe asks: often, so a ready service is seen soon (it stops once it passes). */
const STARTUP_PERIOD_S = 5;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

const hasSecret = (t: Text) => partsOf(t).some((p) => isRef(p) && p.secret !== undefined);

/** A shell word: literal parts single-quoted, a secret as "${HOLDER}", a variable as its value. */
function shellWord(t: Text, text: ContainerText, vars: Readonly<Record<string, string>>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return partsOf(t).map((p) => (!isRef(p) ? quote(p) : p.secret !== undefined ? `"\${${text.holderOf(p.secret)}}"` : quote(varValue(p, vars)))).join('') || "''";
}

/** A script: literal parts as written (they are shell), a secret as ${HOLDER}, a variable as its value. */
function script(t: Text, text: ContainerText, vars: Readonly<Record<string, string>>): string {
  return partsOf(t).map((p) => (!isRef(p) ? p : p.secret !== undefined ? `\${${text.holderOf(p.secret)}}` : varValue(p, vars))).join('');
}

function action(p: Probe, text: ContainerText, vars: Readonly<Record<string, string>>): Record<string, unknown> {
  if ('http' in p) return { httpGet: { path: plainText(p.http.path, vars), port: p.http.port, ...(p.http.scheme === 'https' ? { scheme: 'HTTPS' } : {}) } };
  if ('shell' in p) return { exec: { command: ['/bin/sh', '-c', script(p.shell, text, vars)] } };
  if (p.exec.some(hasSecret)) return { exec: { command: ['/bin/sh', '-c', p.exec.map((a) => shellWord(a, text, vars)).join(' ')] } };
  return { exec: { command: p.exec.map((a) => plainText(a, vars)) } };
}

export interface Probes {
  startupProbe: Record<string, unknown>;
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
}

export function kubeProbes(p: Probe, text: ContainerText, vars: Readonly<Record<string, string>>): Probes {
  const check = action(p, text, vars);
  const timeoutSeconds = seconds(p.timeoutMs);
  const periodSeconds = seconds(p.intervalMs);
  const startupPeriod = Math.min(STARTUP_PERIOD_S, periodSeconds);
  // What Compose forgives: failures during the start period, then `retries` intervals more.
  const forgivenMs = p.startPeriodMs + p.retries * p.intervalMs;
  const steady = { ...check, periodSeconds, timeoutSeconds, failureThreshold: p.retries };
  return {
    startupProbe: { ...check, periodSeconds: startupPeriod, timeoutSeconds, failureThreshold: Math.ceil(forgivenMs / (startupPeriod * 1000)) },
    readinessProbe: steady,
    livenessProbe: steady,
  };
}
