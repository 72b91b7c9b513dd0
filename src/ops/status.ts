/** Status from the engine: one container listing for all stacks; for one stack, restart counts too. */
import type { Context } from '../cli/context.js';
import { isBerthError } from '../errors.js';
import { DockerApi, LABEL_PROJECT, LABEL_STACK, type Engine } from '../engine/docker-api.js';
import { orphanViews, stackState, stackViews, type ServiceView, type StackState } from '../engine/state.js';
import { listStackNames, readManifest } from '../store/stacks.js';
import { readScaled } from '../store/runtime.js';
import type { Session } from './session.js';

export interface StackSummary {
  name: string;
  state: StackState | 'damaged';
  ready: number;
  services: number;
  ports: number[];
}

/** One stack in detail: every container inspected, so restarts, state and health come from one read each. */
export async function stackStatus(s: Session): Promise<ServiceView[]> {
  const engine = s.engine();
  const containers = await engine.listContainers([`${LABEL_PROJECT}=${s.ref.name}`]);
  const inspected = await Promise.all(containers.map((c) => engine.inspect(c.Id).catch(() => undefined)));
  const infos = new Map(containers.flatMap((c, i) => (inspected[i] ? [[c.Id, inspected[i]!] as const] : [])));
  return [...stackViews(s.manifest, containers, s.manifest.profiles, readScaled(s.ctx.home, s.ref.name), infos), ...orphanViews(s.manifest, containers, infos)];
}

export async function allStatus(ctx: Context, engine: Engine = ctx.engine ?? new DockerApi(ctx.io.env)): Promise<StackSummary[]> {
  const names = listStackNames(ctx.home);
  const containers = await engine.listContainers([LABEL_STACK]);
  return names.flatMap((name): StackSummary[] => {
    let m;
    try {
      m = readManifest(ctx.home, name);
    } catch (e) {
      if (!isBerthError(e) || e.code !== 'damaged') throw e;
      return [{ name, state: 'damaged', ready: 0, services: 0, ports: [] }]; // one bad stack must not hide the others
    }
    if (!m) return [];
    const views = stackViews(m, containers, m.profiles, readScaled(ctx.home, name));
    const active = views.filter((v) => v.active);
    return [{
      name: m.stack,
      state: stackState(views),
      ready: active.filter((v) => v.ready && v.containers.length > 0).length,
      services: active.length,
      ports: m.services.filter((s) => views.find((v) => v.name === s.name)?.active).flatMap((s) => s.ports.map((p) => p.host)).sort((a, b) => a - b),
    }];
  });
}
