/**
 * What generate asks of the engine and of the other stacks: the volumes that
 * guard a database's first-start secrets, the ports a running stack holds
 * itself, and who owns a named network.
 */
import { BerthError } from '../errors.js';
import type { ResolvedStack } from '../model/stack.js';
import type { Manifest } from '../model/manifest.js';
import { LABEL_PROJECT, type Engine } from '../engine/docker-api.js';
import { stackVolumeNames } from '../engine/volumes.js';
import { otherManifests } from '../store/stacks.js';

/**
 * The stack's volumes on the engine, which guard the secrets their data was
 * made with (a removed stack's data may remain, an .env may have lost a line).
 * A new stack on an engine that does not answer has nothing to guard.
 */
export async function volumesToGuard(engine: Engine, name: string, created: boolean): Promise<ReadonlySet<string> | 'unknown' | undefined> {
  const found = await stackVolumes(engine, name);
  return created && found === 'unknown' ? undefined : found;
}

/** The stack's volumes on the engine, as named in its Compose file; 'unknown' when the engine does not answer. */
async function stackVolumes(engine: Engine, name: string): Promise<ReadonlySet<string> | 'unknown'> {
  try {
    const names = await stackVolumeNames(engine, name);
    return new Set(names.filter((n) => n.startsWith(`${name}_`)).map((n) => n.slice(name.length + 1)));
  } catch {
    return 'unknown';
  }
}

/** A network stack.yaml names belongs to one stack; others join it only as external. */
export function refuseSharedNetwork(home: string, stack: ResolvedStack): void {
  const net = stack.network;
  if (!net?.name || net.external) return;
  const owner = otherManifests(home, stack.name).find((m) => m.network?.name === net.name && !m.network?.external);
  if (owner) {
    throw new BerthError(
      `network.name: ${net.name} is stack ${owner.stack}'s network; two stacks on one network reach each other's datastores; pick another name, or set external: true to join ${owner.stack}'s on purpose`,
      { code: 'conflict', path: 'network.name' },
    );
  }
}

/**
 * Ports this stack's own running containers publish: regenerating a running
 * stack must not warn that its ports are taken (by its own docker-proxy). The
 * engine is asked only when one of the stack's ports is held by docker-proxy.
 */
export async function ownPublishedPorts(engine: Engine, name: string, manifest: Manifest | undefined, probe: (port: number) => string | undefined): Promise<Set<number>> {
  const ports = manifest?.services.flatMap((s) => s.ports.map((p) => p.host)) ?? [];
  const proxied = ports.filter((p) => probe(p)?.startsWith('docker-proxy'));
  if (!proxied.length) return new Set();
  try {
    const containers = await engine.listContainers([`${LABEL_PROJECT}=${name}`], false);
    return new Set(containers.flatMap((c) => c.Ports.map((p) => p.PublicPort).filter((p): p is number => p !== undefined)));
  } catch {
    // The engine does not answer: a port this stack published that Docker's proxy holds is most likely its own.
    return new Set(proxied);
  }
}
