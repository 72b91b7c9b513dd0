/**
 * berth restart. A whole stack is stopped, then started as `up` starts it, so
 * dependencies are ready before their dependants and jobs run after them. A
 * restart never leaves a stack worse than it found it: when the start fails,
 * every service that was running before is started again, and the error says so.
 * One service is restarted in place (Compose restart) and waited for.
 */
import { BerthError } from '../errors.js';
import { LABEL_PROJECT, LABEL_SERVICE } from '../engine/docker-api.js';
import { composeArgs } from '../engine/compose.js';
import { waitReady } from '../engine/wait.js';
import type { ServiceView } from '../engine/state.js';
import { allProfiles, runCompose, withStackLock, type Session } from './session.js';
import { preflight, upLocked } from './up.js';
import { notReady } from './up-failure.js';
import { refuseEnvOverrides } from './up-checks.js';

export interface RestartOptions {
  /** One or more services; none: the whole stack. */
  services: string[];
  wait: boolean;
  timeoutMs: number;
  onUpdate?(views: ServiceView[]): void;
}

export function restartStack(s: Session, o: RestartOptions): Promise<void> {
  return withStackLock(s, 'restart', () => (o.services.length ? restartServices(s, o) : restartAll(s, o)));
}

/** Containers of the stack by service, as the engine has them now. */
async function containersByService(s: Session) {
  const all = await s.engine().listContainers([`${LABEL_PROJECT}=${s.ref.name}`]);
  const out = new Map<string, typeof all>();
  for (const c of all) out.set(c.Labels[LABEL_SERVICE] ?? '', [...(out.get(c.Labels[LABEL_SERVICE] ?? '') ?? []), c]);
  return out;
}

async function restartAll(s: Session, o: RestartOptions): Promise<void> {
  if (s.dryRun) {
    await runCompose(s, composeArgs.stop(), { what: 'restart' });
    await upLocked(s, { wait: false, timeoutMs: o.timeoutMs });
    return;
  }
  const before = await containersByService(s);
  const running = [...before].filter(([, cs]) => cs.some((c) => c.State === 'running')).map(([svc]) => svc);
  if (!running.length) throw new BerthError(`stack ${s.ref.name} is not running; start it with berth up ${s.ref.name}`, { code: 'conflict' });
  // What would make the start fail is refused before anything is stopped.
  const preflighted = await preflight(s, s.profiles, false);
  await runCompose(s, composeArgs.stop(), { what: 'restart' });
  try {
    await upLocked(s, { wait: o.wait, timeoutMs: o.timeoutMs, onUpdate: o.onUpdate, preflighted });
  } catch (e) {
    const back = await startAgain(s, running);
    if (!(e instanceof BerthError)) throw e;
    const note = back.length ? `; started again what was running before: ${back.join(', ')}` : '';
    throw new BerthError(`${e.message}${note}`, { code: e.code, details: e.details, path: e.path });
  }
}

/** Starts the containers of these services that are not running now; returns the services it started. */
async function startAgain(s: Session, services: string[]): Promise<string[]> {
  const now = await containersByService(s).catch(() => new Map());
  const started: string[] = [];
  for (const svc of services) {
    const stopped = (now.get(svc) ?? []).filter((c: { State: string }) => c.State !== 'running');
    if (!stopped.length) continue;
    await Promise.all(stopped.map((c: { Id: string }) => s.engine().startContainer(c.Id).catch(() => undefined)));
    started.push(svc);
  }
  return started;
}

async function restartServices(s: Session, o: RestartOptions): Promise<void> {
  if (!s.dryRun) {
    refuseEnvOverrides(s);
    const now = await containersByService(s);
    const missing = o.services.find((svc) => !now.get(svc)?.length);
    if (missing) throw new BerthError(`service ${missing} of stack ${s.ref.name} has no container; start it with berth up ${s.ref.name} ${missing}`, { code: 'conflict' });
  }
  const since = Date.now();
  await runCompose(s, composeArgs.restart(o.services), { profiles: allProfiles(s.manifest), what: 'restart' });
  if (!o.wait || s.dryRun) return;
  const r = await waitReady({ engine: s.engine(), manifest: s.manifest, profiles: allProfiles(s.manifest), services: o.services, timeoutMs: o.timeoutMs, onUpdate: o.onUpdate, since });
  if (!r.ok) throw await notReady(s, r, Date.now() - since, o.timeoutMs);
}
