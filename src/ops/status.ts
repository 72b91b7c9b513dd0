/** Status from the engine: one container listing for all stacks; for one stack, restart counts too. */
import { isBerthError } from '../errors.js';
import { LABEL_PROJECT, LABEL_STACK, type ContainerSummary } from '../engine/docker-api.js';
import type { Manifest } from '../model/manifest.js';
import type { RuntimeState } from '../store/runtime.js';
import type { OpsDeps } from './deps.js';
import { Prober } from '../engine/probe.js';
import { orphanViews, stackState, stackViews, type ServiceView, type StackState } from '../engine/state.js';
import { openStack, type Session } from './session.js';
import { validateStackName } from '../store/home.js';
import type { ReleaseResult } from '../model/release.js';

export interface StackSummary {
  name: string;
  state: StackState | 'damaged';
  ready: number;
  services: number;
  ports: number[];
}

/** How long status waits for berth's own probe of containers Docker has not judged yet. */
const PROBE_WAIT_MS = 2000;

export interface StackStatus {
  stack: string;
  /** Active profiles, and the stack's own (they differ after up --profile). */
  profiles: string[];
  stackProfiles: string[];
  /** Variables set at the last up (--var). */
  vars: Record<string, string>;
  /** Every service of the stack, then containers of services it no longer has. */
  services: ServiceView[];
  /** Per service: whether it has a health check, and its image as generated. */
  declared: Record<string, { healthcheck: boolean; image: string }>;
  /** Every active service ready. */
  ready: boolean;
  /** The stack's nodes (not asked: berth status <stack> --node N does), when it has any. */
  nodes?: NodeSummary[];
}

/** A node of the stack and the release it runs, as recorded here at its deploy: status asks no node unless told to (--node). */
export interface NodeSummary {
  name: string;
  host: string;
  target: 'compose' | 'swarm';
  /** The release it runs; none before its first deploy. */
  release?: number;
  /** That release's result on the node when it was deployed. */
  result?: ReleaseResult;
}

/** The stack's nodes, each with the release it runs, from the records here. */
export function nodeSummaries(deps: OpsDeps, name: string): NodeSummary[] {
  validateStackName(name);
  const nodes = deps.store.stacks.requireManifest(name).nodes ?? [];
  if (!nodes.length) return [];
  const current = deps.store.releases.current(name);
  const records = deps.store.releases.list(name);
  return nodes.map((n) => {
    const release = current[n.name];
    const here = records.find((r) => r.number === release)?.nodes[n.name];
    const target = (here ? here.target : n.target) ?? 'compose';
    return { name: n.name, host: n.host, target, ...(release !== undefined ? { release } : {}), ...(here ? { result: here.result } : {}) };
  });
}

/**
 * One stack in detail: every container inspected, so restarts, state and
 * health come from one read each. A stack with nodes lists them too, with the
 * release each runs; a stack that runs only on its nodes has no services here.
 */
export async function stackStatus(deps: OpsDeps, name: string): Promise<StackStatus> {
  const nodes = nodeSummaries(deps, name);
  const m = deps.store.stacks.requireManifest(name);
  if (nodes.length && !m.services.length) return { stack: name, profiles: m.profiles, stackProfiles: m.profiles, vars: {}, services: [], declared: {}, ready: true, nodes };
  const st = await sessionStatus(openStack(deps, name));
  return nodes.length ? { ...st, nodes } : st;
}

/** The status of a session's stack (a stored one here, or a release on a node), from its engine. */
export async function sessionStatus(s: Session): Promise<StackStatus> {
  const services = await serviceViews(s);
  return {
    stack: s.ref.name,
    profiles: s.profiles,
    stackProfiles: s.manifest.profiles,
    vars: s.vars,
    services,
    declared: Object.fromEntries(s.manifest.services.map((m) => [m.name, { healthcheck: m.healthcheck, image: m.image }])),
    ready: services.every((v) => v.ready),
  };
}

async function serviceViews(s: Session): Promise<ServiceView[]> {
  const engine = s.engine();
  const containers = await engine.listContainers([`${LABEL_PROJECT}=${s.ref.name}`]);
  const prober = new Prober(engine);
  const [inspected] = await Promise.all([Promise.all(containers.map((c) => engine.inspect(c.Id).catch(() => undefined))), prober.probeOnce(containers, PROBE_WAIT_MS)]);
  const infos = new Map(containers.flatMap((c, i) => (inspected[i] ? [[c.Id, inspected[i]!] as const] : [])));
  const runtime = s.deps.store.runtime.read(s.ref.name);
  const o = { profiles: s.profiles, scaled: runtime.scale, infos, confirmed: prober.confirmed };
  return [...stackViews(s.manifest, containers, o), ...orphanViews(s.manifest, containers, o)];
}

/** What the engine says of every stack: one container listing, and berth's own probe of the containers Docker has not judged yet. */
export interface EngineView {
  containers: ContainerSummary[];
  confirmed: ReadonlySet<string>;
}

export async function engineView(deps: OpsDeps): Promise<EngineView> {
  const engine = deps.engine();
  const containers = await engine.listContainers([LABEL_STACK]);
  // Only containers Docker has not judged yet are probed: none, once stacks are up.
  const prober = new Prober(engine);
  await prober.probeOnce(containers, PROBE_WAIT_MS);
  return { containers, confirmed: prober.confirmed };
}

/** One stack at a glance, from its manifest, its run-time choices and what the engine says. */
export function stackSummary(m: Manifest, runtime: RuntimeState, seen: EngineView): StackSummary {
  const views = stackViews(m, seen.containers, { profiles: runtime.profiles ?? m.profiles, scaled: runtime.scale, confirmed: seen.confirmed });
  const active = views.filter((v) => v.active);
  return {
    name: m.stack,
    state: stackState(views),
    ready: active.filter((v) => v.ready && v.containers.length > 0).length,
    services: active.length,
    ports: m.services.filter((s) => views.find((v) => v.name === s.name)?.active).flatMap((s) => s.ports.map((p) => p.host)).sort((a, b) => a - b),
  };
}

export const damagedSummary = (name: string): StackSummary => ({ name, state: 'damaged', ready: 0, services: 0, ports: [] });

export async function allStatus(deps: OpsDeps): Promise<StackSummary[]> {
  const names = deps.store.stacks.names();
  const seen = await engineView(deps);
  return names.flatMap((name): StackSummary[] => {
    let m;
    try {
      m = deps.store.stacks.manifest(name);
    } catch (e) {
      if (!isBerthError(e) || e.code !== 'damaged') throw e;
      return [damagedSummary(name)]; // one bad stack must not hide the others
    }
    if (!m) return [];
    let runtime;
    try {
      runtime = deps.store.runtime.read(name);
    } catch (e) {
      if (!isBerthError(e) || e.code !== 'damaged') throw e;
      return [damagedSummary(name)];
    }
    return [stackSummary(m, runtime, seen)];
  });
}
