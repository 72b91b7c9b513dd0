/**
 * What a stack looks like on the engine: per service, its containers (found by
 * Compose labels, never by name), their state, health and restarts, judged
 * against the stack's manifest.
 */
import type { Manifest, ManifestService } from '../render/manifest.js';
import { runsUnder } from '../resolve/profiles.js';
import { hostAddress } from '../util/names.js';
import { LABEL_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE, type ContainerInspect, type ContainerSummary } from './docker-api.js';

/**
 * `stopped`: scaled to 0 by berth scale; `inactive`: under a profile that is not active;
 * `orphan`: a container of a service the stack no longer has (the next up removes it);
 * `created`: its container exists but was never started (it could not be, or up stopped first).
 */
export type ServiceState = 'healthy' | 'running' | 'starting' | 'unhealthy' | 'restarting' | 'exited' | 'completed' | 'failed' | 'down' | 'created' | 'stopped' | 'inactive' | 'orphan';

/** What a reading of the engine is judged with besides the manifest. */
export interface ViewOptions {
  /** Active profiles (default: the manifest's). */
  profiles?: string[];
  /** Replicas set by berth scale since the last up (a service scaled to 0 is stopped, not down). */
  scaled?: Record<string, number>;
  /** Inspections by container id: state, health, exit code and restarts from one read each. */
  infos?: ReadonlyMap<string, ContainerInspect>;
  /** Containers that passed their health command when berth ran it, while Docker still says starting. */
  confirmed?: ReadonlySet<string>;
}

export interface ContainerView {
  id: string;
  name: string;
  number: number;
  state: string;
  health?: 'healthy' | 'unhealthy' | 'starting';
  exitCode?: number;
  restarts?: number;
  image: string;
  ports: string[];
}

export interface ServiceView {
  name: string;
  component: string;
  role: 'service' | 'job';
  active: boolean;
  containers: ContainerView[];
  state: ServiceState;
  /** Healthy (or running without a healthcheck), or a job that exited 0, or not meant to run. */
  ready: boolean;
  /** Down, unhealthy, crashed, or a failed job. */
  problem: boolean;
}

export function parseHealth(status: string): ContainerView['health'] {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return undefined;
}

export function parseExitCode(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** `127.0.0.1:5432->5432/tcp`; a port bound on every address shows no address (Docker lists 0.0.0.0 and :: apart). */
function portText(p: ContainerSummary['Ports'][number]): string {
  const all = !p.IP || p.IP === '0.0.0.0' || p.IP === '::';
  return `${all ? '' : `${hostAddress(p.IP!)}:`}${p.PublicPort}->${p.PrivatePort}/${p.Type}`;
}

/**
 * One container as berth shows it. With its inspection (`info`), state, health,
 * exit code and restarts all come from that one later read, so they agree with
 * each other even while the container is being restarted.
 */
export function containerView(c: ContainerSummary, info?: ContainerInspect, confirmed?: ReadonlySet<string>): ContainerView {
  const state = info?.State.Status ?? c.State;
  const probed = info?.State.Health?.Status;
  const health = info ? (probed === 'healthy' || probed === 'unhealthy' || probed === 'starting' ? probed : undefined) : parseHealth(c.Status);
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    number: Number(c.Labels[LABEL_NUMBER] ?? 1),
    state,
    health: health === 'starting' && confirmed?.has(c.Id) ? 'healthy' : health,
    exitCode: state === 'exited' ? (info ? info.State.ExitCode : parseExitCode(c.Status)) : undefined,
    restarts: info?.RestartCount,
    image: c.Image,
    ports: [...new Set(c.Ports.filter((p) => p.PublicPort).map(portText))].sort(),
  };
}

const SEVERITY: ServiceState[] = ['failed', 'unhealthy', 'exited', 'restarting', 'down', 'created', 'starting', 'running', 'completed', 'healthy', 'stopped', 'inactive', 'orphan'];

/** States that need someone to act when berth is not starting the stack. */
export const PROBLEM_STATES: readonly ServiceState[] = ['failed', 'unhealthy', 'exited', 'restarting', 'down', 'created'];

function containerState(c: ContainerView, svc: ManifestService): ServiceState {
  if (svc.role === 'job') {
    if (c.state === 'exited') return c.exitCode === 0 ? 'completed' : 'failed';
    return c.state === 'running' ? 'running' : 'starting';
  }
  switch (c.state) {
    case 'running':
      return c.health === 'healthy' ? 'healthy' : c.health === 'unhealthy' ? 'unhealthy' : c.health === 'starting' ? 'starting' : svc.healthcheck ? 'starting' : 'running';
    case 'restarting':
      return 'restarting';
    case 'created':
      return 'created';
    default:
      return 'exited';
  }
}

export function serviceView(svc: ManifestService, containers: ContainerView[], activeProfiles: string[], scaledTo?: number): ServiceView {
  const active = runsUnder(svc.profiles, activeProfiles);
  const base = { name: svc.name, component: svc.component, role: svc.role, active, containers };
  if (containers.length === 0) {
    if (active && scaledTo === 0) return { ...base, state: 'stopped', ready: true, problem: false };
    return active ? { ...base, state: 'down', ready: false, problem: true } : { ...base, state: 'inactive', ready: true, problem: false };
  }
  const states = containers.map((c) => containerState(c, svc));
  const state = SEVERITY.find((s) => states.includes(s))!;
  const ready = states.every((s) => s === 'healthy' || s === 'completed' || (s === 'running' && svc.role === 'service'));
  const problem = PROBLEM_STATES.includes(state);
  return { ...base, state, ready, problem };
}

/** Groups containers by Compose service; one-off `run` containers are left out. */
export function byService(containers: ContainerSummary[], o: ViewOptions = {}): Map<string, ContainerView[]> {
  const out = new Map<string, ContainerView[]>();
  for (const c of containers) {
    if (c.Labels[LABEL_ONEOFF] === 'True') continue;
    const s = c.Labels[LABEL_SERVICE];
    if (!s) continue;
    out.set(s, [...(out.get(s) ?? []), containerView(c, o.infos?.get(c.Id), o.confirmed)].sort((a, b) => a.number - b.number));
  }
  return out;
}

/** Every service of the manifest as the engine shows it. */
export function stackViews(manifest: Manifest, containers: ContainerSummary[], o: ViewOptions = {}): ServiceView[] {
  const mine = containers.filter((c) => c.Labels[LABEL_PROJECT] === manifest.stack);
  const grouped = byService(mine, o);
  const scaled = o.scaled ?? {};
  return manifest.services.map((s) => serviceView(s, grouped.get(s.name) ?? [], o.profiles ?? manifest.profiles, scaled[s.name]));
}

/** Containers of services the manifest no longer has (dropped at a regenerate, before the next up). */
export function orphanViews(manifest: Manifest, containers: ContainerSummary[], o: ViewOptions = {}): ServiceView[] {
  const known = new Set(manifest.services.map((s) => s.name));
  const grouped = byService(containers.filter((c) => c.Labels[LABEL_PROJECT] === manifest.stack), o);
  return [...grouped]
    .filter(([name]) => !known.has(name))
    .map(([name, cs]) => ({ name, component: '-', role: 'service' as const, active: false, containers: cs, state: 'orphan' as const, ready: true, problem: false }));
}

export type StackState = 'running' | 'starting' | 'degraded' | 'stopped';

export function stackState(views: ServiceView[]): StackState {
  const running = views.some((v) => v.containers.some((c) => c.state === 'running' || c.state === 'restarting'));
  if (!running) return 'stopped';
  if (views.some((v) => v.problem && v.state !== 'down')) return 'degraded';
  if (views.some((v) => v.state === 'down')) return 'degraded';
  return views.every((v) => v.ready) ? 'running' : 'starting';
}
