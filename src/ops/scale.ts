/** berth scale: replicas of services at run time, until the next up or down (stack.yaml's replicas: keeps a number for good). */
import { UsageError } from '../errors.js';
import type { ServiceView } from '../engine/state.js';
import { checkServices, type Session } from './session.js';
import { upStack } from './up.js';

/** `worker=3 api=2` -> { worker: 3, api: 2 }, each a long-running service that can have that many replicas. */
export function parseScale(s: Session, pairs: string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const p of pairs) {
    const m = /^([a-z0-9][a-z0-9_-]*)=(\d+)$/.exec(p);
    if (!m) throw new UsageError(`scale: ${JSON.stringify(p)} is not service=count (e.g. worker=3)`);
    scale[m[1]!] = Number(m[2]);
  }
  if (!Object.keys(scale).length) throw new UsageError(`scale: give at least one service=count, e.g. berth scale ${s.ref.name} worker=3`);
  checkServices(s, Object.keys(scale));
  for (const [svc, n] of Object.entries(scale)) {
    const m = s.manifest.services.find((x) => x.name === svc)!;
    if (m.role === 'job') throw new UsageError(`scale: ${svc} is a one-shot job; only long-running services scale`);
    if (n > 1 && m.ports.length) {
      throw new UsageError(`scale: ${svc} publishes host port ${m.ports[0]!.host}, which ${n} replicas cannot share; drop its port (put nginx in front) or use scale: in stack.yaml for one port per instance`);
    }
    if (n > 100) throw new UsageError(`scale: ${n} replicas of ${svc} is more than 100; that is probably a typo`);
  }
  return scale;
}

export async function scaleStack(s: Session, scale: Record<string, number>, o: { wait: boolean; timeoutMs: number; onUpdate?(views: ServiceView[]): void }): Promise<void> {
  if (!s.dryRun) await s.engine().ping();
  await upStack(s, { wait: o.wait, timeoutMs: o.timeoutMs, services: Object.keys(scale), scale, noDeps: true, onUpdate: o.onUpdate });
}
