/**
 * Waiting for a stack to be ready: every long-running service healthy (or
 * running, when it has no healthcheck) and every job exited 0. One engine
 * query per poll. Stops early on a failed job, an unhealthy service or a
 * crash loop, and names it.
 */
import type { Manifest } from '../render/manifest.js';
import { LABEL_PROJECT, type Engine } from './docker-api.js';
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
  /** Resolves when the command that starts the containers has finished (they may not exist before). */
  starting?: Promise<unknown>;
  signal?: AbortSignal;
  /** Epoch ms this start began: exits that finished earlier belong to a previous run and are not failures. */
  since?: number;
  /** Replicas set by berth scale: a service scaled to 0 is ready with no container. */
  scaled?: Record<string, number>;
}

export type WaitResult =
  | { ok: true; views: ServiceView[] }
  | { ok: false; reason: 'failed' | 'unhealthy' | 'crashloop' | 'timeout' | 'aborted'; culprit?: ServiceView; views: ServiceView[] };

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
  const deadline = Date.now() + o.timeoutMs;
  let startDone = !o.starting;
  void o.starting?.finally(() => (startDone = true));
  let views: ServiceView[] = [];
  for (;;) {
    const containers = await o.engine.listContainers([`${LABEL_PROJECT}=${o.manifest.stack}`]);
    views = stackViews(o.manifest, containers, o.profiles, o.scaled);
    if (o.since !== undefined) await forgetStaleExits(o.engine, views, o.since);
    o.onUpdate?.(views);
    const watched = views.filter((v) => v.active && (!o.services || o.services.includes(v.name)));
    if (watched.every((v) => v.ready) && startDone) return { ok: true, views };
    const failed = watched.find((v) => v.state === 'failed');
    if (failed) return { ok: false, reason: 'failed', culprit: failed, views };
    const unhealthy = watched.find((v) => v.state === 'unhealthy');
    if (unhealthy) return { ok: false, reason: 'unhealthy', culprit: unhealthy, views };
    for (const v of watched.filter((x) => x.state === 'exited' || x.state === 'restarting')) {
      const infos = await Promise.all(v.containers.map((c) => o.engine.inspect(c.id).catch(() => undefined)));
      const restarts = infos.map((i) => i?.RestartCount ?? 0);
      if (Math.max(...restarts) >= CRASH_RESTARTS) {
        v.containers.forEach((c, i) => (c.exitCode ??= infos[i]?.State.ExitCode));
        return { ok: false, reason: 'crashloop', culprit: v, views };
      }
      if (v.containers.every((c) => c.state === 'exited') && startDone && restarts.every((r) => r === 0) && v.role === 'service') {
        // Exited and nothing restarts it (no restart policy applies to a stop): give it a moment, then call it failed.
        const info = infos[0];
        if (info && !info.State.Running && Date.now() - Date.parse(info.State.FinishedAt) > 3000) return { ok: false, reason: 'failed', culprit: v, views };
      }
    }
    if (o.signal?.aborted) return { ok: false, reason: 'aborted', views };
    if (Date.now() > deadline) return { ok: false, reason: 'timeout', culprit: watched.find((v) => !v.ready), views };
    await sleep(o.intervalMs ?? 250, o.signal);
  }
}

/**
 * A container that exited before this start is the previous run's: Compose is
 * about to start or recreate it. Show it as starting, not as failed.
 */
async function forgetStaleExits(engine: Engine, views: ServiceView[], since: number): Promise<void> {
  for (const v of views.filter((x) => x.state === 'failed' || x.state === 'exited' || x.state === 'completed')) {
    const finished = await Promise.all(
      v.containers.filter((c) => c.state === 'exited').map((c) => engine.inspect(c.id).then((i) => Date.parse(i.State.FinishedAt), () => Infinity)),
    );
    if (finished.length && finished.every((t) => t < since)) Object.assign(v, { state: 'starting', ready: false, problem: false });
  }
}
