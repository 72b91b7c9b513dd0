/** Before up: every published port must be free, or held by this stack already. Names the holder when it is not. */
import { BerthError } from '../errors.js';
import type { Manifest } from '../render/manifest.js';
import { LABEL_PROJECT, LABEL_SERVICE, LABEL_STACK, type Engine } from './docker-api.js';
import { hostListenerProbe, portTaken } from '../host/listeners.js';
import { runsUnder } from '../resolve/profiles.js';

export interface PortHolder {
  port: number;
  service: string;
  holder: string;
}

/** `local`: the engine runs on this machine, whose own listeners are asked too (a node's engine answers for its containers only). */
export async function busyPorts(engine: Engine, manifest: Manifest, profiles: string[], local = true): Promise<PortHolder[]> {
  const wanted = manifest.services
    .filter((s) => runsUnder(s.profiles, profiles))
    .flatMap((s) => s.ports.map((p) => ({ ...p, service: s.name })));
  if (!wanted.length) return [];
  const running = await engine.listContainers([], false);
  const probe = hostListenerProbe();
  const busy: PortHolder[] = [];
  for (const w of wanted) {
    const c = running.find((x) => x.Ports.some((p) => p.PublicPort === w.host));
    if (c) {
      if (c.Labels[LABEL_PROJECT] === manifest.stack) continue; // ours: up keeps or recreates it
      const stack = c.Labels[LABEL_STACK] ?? c.Labels[LABEL_PROJECT];
      const name = (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
      busy.push({
        port: w.host,
        service: w.service,
        holder: stack ? `stack ${stack} (service ${c.Labels[LABEL_SERVICE] ?? name}); stop it with berth down ${stack}` : `container ${name}`,
      });
      continue;
    }
    if (local && (await portTaken(w.host, w.bind))) busy.push({ port: w.host, service: w.service, holder: probe(w.host) ?? 'another process on this host' });
  }
  return busy;
}

export async function ensurePortsFree(engine: Engine, manifest: Manifest, profiles: string[], local = true): Promise<void> {
  const busy = await busyPorts(engine, manifest, profiles, local);
  if (!busy.length) return;
  const [first, ...rest] = busy;
  throw new BerthError(
    `port ${first!.port} (${first!.service}) is taken by ${first!.holder}${rest.length ? `; also ${rest.map((b) => `${b.port} (${b.holder.split(';')[0]})`).join(', ')}` : ''}; free it or change the port in stack.yaml and regenerate`,
  );
}
