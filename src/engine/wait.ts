/**
 * Waiting for a stack to be ready: every long-running service healthy (or
 * running, when it has no healthcheck) and every job exited 0. One engine
 * query per poll; containers Docker still calls "starting" are probed by
 * berth itself (probe.ts), and a Starter, when given, starts each service
 * once its dependencies are ready. Stops early on a failed job, an unhealthy
 * service, a crash loop or a container the engine would not start, and names it.
 */
import type { Manifest } from '../model/manifest.js';
import { LABEL_PROJECT, type Engine } from './docker-api.js';
import { Prober } from './probe.js';
import type { Starter } from './starter.js';
import { stackViews, type ServiceView } from './state.js';

export interface WaitOptions {
  engine: Engine;
  manifest: Manifest;
  profiles: string[];
  /** Only these services (default: every active one). */
  services?: string[];
  timeoutMs: number;
  intervalMs?: number;
  onUpdate?(views: ServiceView[]): void;
  /** Resolves when the command that creates or starts the containers has finished (they may not exist before). */
  starting?: Promise<unknown>;
  signal?: AbortSignal;
  /** Epoch ms this start began: exits that finished earlier belong to a previous run and are not failures. */
  since?: number;
  /** Replicas set by berth scale: a service scaled to 0 is ready with no container. */
  scaled?: Record<string, number>;
  /** Starts services in dependency order as they become ready to start. */
  starter?: Starter;
  /** Done once every container is started, ready or not (up --no-wait). */
  untilStarted?: boolean;
}

export type WaitResult =
  | { ok: true; views: ServiceView[] }
  | {
      ok: false;
      reason: 'failed' | 'unhealthy' | 'crashloop' | 'timeout' | 'aborted' | 'start_failed';
      culprit?: ServiceView;
      views: ServiceView[];
      /** The last failing health probe berth ran itself, by container id. */
      probes?: Prober['failures'];
    };

export const CRASH_RESTARTS = 3;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function waitReady(o: WaitOptions): Promise<WaitResult> {
  const prober = new Prober(o.engine);
  try {
    return await poll(o, prober);
  } finally {
    prober.stop();
  }
}

async function poll(o: WaitOptions, prober: Prober): Promise<WaitResult> {
  const deadline = Date.now() + o.timeoutMs;
  const interval = o.intervalMs ?? 100;
  let startDone = !o.starting;
  void o.starting?.finally(() => (startDone = true));
  let views: ServiceView[] = [];
  for (;;) {
    const containers = await o.engine.listContainers([`${LABEL_PROJECT}=${o.manifest.stack}`]);
    await prober.probe(containers, interval);
    views = stackViews(o.manifest, containers, { profiles: o.profiles, scaled: o.scaled, confirmed: prober.confirmed });
    if (o.since !== undefined) await forgetStaleExits(o.engine, views, o.since);
    // Containers Compose has created so far are started while it creates the rest.
    if (o.starter) await o.starter.step(views);
    o.onUpdate?.(views);
    const watched = views.filter((v) => v.active && (!o.services || o.services.includes(v.name)));
    if (o.signal?.aborted) return { ok: false, reason: 'aborted', views };
    if (o.starter?.failure) return { ok: false, reason: 'start_failed', culprit: watched.find((v) => v.name === o.starter!.failure!.service), views };
    const started = !o.starter || o.starter.allStarted(views);
    if (startDone && started && (o.untilStarted || watched.every((v) => v.ready))) return { ok: true, views };
    const problem = await findProblem(o.engine, watched, startDone);
    if (problem) return { ok: false, ...problem, views, probes: prober.failures };
    if (o.signal?.aborted) return { ok: false, reason: 'aborted', views };
    if (Date.now() > deadline) return { ok: false, reason: 'timeout', culprit: watched.find((v) => !v.ready), views, probes: prober.failures };
    await sleep(interval, o.signal);
  }
}

/** A failed job, an unhealthy service, a crash loop, or a service that exited and stays down. */
async function findProblem(engine: Engine, watched: ServiceView[], startDone: boolean): Promise<{ reason: 'failed' | 'unhealthy' | 'crashloop'; culprit: ServiceView } | undefined> {
  const failed = watched.find((v) => v.state === 'failed');
  if (failed) return { reason: 'failed', culprit: failed };
  // While Compose still creates, an unhealthy container may be one it is about to replace (a changed
  // service of a running stack: a rollback from a release that failed its health check).
  const unhealthy = startDone && watched.find((v) => v.state === 'unhealthy');
  if (unhealthy) return { reason: 'unhealthy', culprit: unhealthy };
  for (const v of watched.filter((x) => x.state === 'exited' || x.state === 'restarting')) {
    const infos = await Promise.all(v.containers.map((c) => engine.inspect(c.id).catch(() => undefined)));
    const restarts = infos.map((i) => i?.RestartCount ?? 0);
    if (Math.max(...restarts) >= CRASH_RESTARTS) {
      v.containers.forEach((c, i) => (c.exitCode ??= infos[i]?.State.ExitCode));
      return { reason: 'crashloop', culprit: v };
    }
    if (v.containers.every((c) => c.state === 'exited') && startDone && restarts.every((r) => r === 0) && v.role === 'service') {
      // Exited and nothing restarts it (no restart policy applies to a stop): give it a moment, then call it failed.
      const info = infos[0];
      if (info && !info.State.Running && Date.now() - Date.parse(info.State.FinishedAt) > 3000) return { reason: 'failed', culprit: v };
    }
  }
  return undefined;
}

/**
 * A container that exited before this start is the previous run's: berth or
 * Compose is about to start or recreate it. Show it as starting, not as failed.
 */
async function forgetStaleExits(engine: Engine, views: ServiceView[], since: number): Promise<void> {
  for (const v of views.filter((x) => x.state === 'failed' || x.state === 'exited' || x.state === 'completed')) {
    const finished = await Promise.all(
      v.containers.filter((c) => c.state === 'exited').map((c) => engine.inspect(c.id).then((i) => Date.parse(i.State.FinishedAt), () => Infinity)),
    );
    if (finished.length && finished.every((t) => t < since)) Object.assign(v, { state: 'starting', ready: false, problem: false });
  }
}
