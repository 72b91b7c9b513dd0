/**
 * Starting a stack in dependency order, by berth. Compose creates the
 * containers (`up --no-start`); berth starts each service's containers once
 * what it depends on is ready as berth sees it (its own probe, not Docker's
 * first scheduled one), so a stack is up as soon as its processes are, on
 * every engine. The Compose file keeps its depends_on conditions, so a plain
 * `docker compose up -d` still starts in the right order.
 */
import { BerthError } from '../errors.js';
import type { Manifest, ManifestService } from '../model/manifest.js';
import type { Engine } from './docker-api.js';
import type { ServiceView } from './state.js';

export interface StartFailure {
  service: string;
  /** The engine's own words. */
  reason: string;
}

function depReady(condition: string, dep: ServiceView | undefined): boolean {
  if (!dep || !dep.active) return true;
  const running = dep.containers.some((c) => c.state === 'running');
  if (condition === 'service_started') return running;
  if (condition === 'service_completed_successfully') return dep.state === 'completed';
  return dep.ready && dep.containers.length > 0 && dep.state !== 'created';
}

export class Starter {
  /** Containers this start has started (each once: a crash after that is the restart policy's business). */
  private readonly started = new Set<string>();
  private readonly byName: Map<string, ManifestService>;
  /** Services Compose has finished creating: a service's containers are not touched while Compose works on them. */
  private readonly created = new Set<string>();
  failure?: StartFailure;

  /** `targets`: the services this start brings up; `noDeps`: start them whatever their dependencies say. */
  constructor(
    private readonly engine: Engine,
    manifest: Manifest,
    private readonly targets: ReadonlySet<string>,
    private readonly noDeps = false,
  ) {
    this.byName = new Map(manifest.services.map((s) => [s.name, s]));
  }

  /** Compose has created these services' containers (each is started once its dependencies are ready). */
  allow(services: string[]): void {
    for (const n of services) this.created.add(n);
  }

  /** What still waits for its dependencies: service -> the dependencies it waits for. */
  waiting(views: ServiceView[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const viewOf = new Map(views.map((v) => [v.name, v]));
    for (const v of views) {
      if (!this.targets.has(v.name) || !this.created.has(v.name) || !this.pending(v).length) continue;
      const deps = this.noDeps ? [] : Object.entries(this.byName.get(v.name)?.dependsOn ?? {}).filter(([d, c]) => !depReady(c, viewOf.get(d))).map(([d]) => d);
      out.set(v.name, deps);
    }
    return out;
  }

  /** Starts every container whose service's dependencies are ready; a start the engine refuses is recorded as the failure. */
  async step(views: ServiceView[]): Promise<void> {
    const ready = [...this.waiting(views)].filter(([, deps]) => !deps.length).map(([name]) => name);
    const viewOf = new Map(views.map((v) => [v.name, v]));
    await Promise.all(
      ready.flatMap((name) =>
        this.pending(viewOf.get(name)!).map(async (id) => {
          this.started.add(id);
          try {
            await this.engine.startContainer(id);
          } catch (e) {
            this.failure ??= { service: name, reason: (e as Error).message };
          }
        }),
      ),
    );
  }

  /** Whether every target container has been started. */
  allStarted(views: ServiceView[]): boolean {
    return views.every((v) => !this.targets.has(v.name) || !this.pending(v).length);
  }

  private pending(v: ServiceView): string[] {
    return v.containers.filter((c) => (c.state === 'created' || c.state === 'exited') && !this.started.has(c.id)).map((c) => c.id);
  }
}

/** The error for a container the engine would not start, with the fix for the usual cause. */
export function startFailed(stack: string, f: StartFailure): BerthError {
  const gpu = /device driver|nvidia|gpu/i.test(f.reason);
  const fix = gpu
    ? 'this host has no NVIDIA container runtime: install the NVIDIA Container Toolkit and restart dockerd, or run the GPU services on a GPU host'
    : `fix what the engine says, then run berth up ${stack} again`;
  return new BerthError(`service ${f.service} of stack ${stack} could not start: ${f.reason.replace(/\s+/g, ' ').trim()}; ${fix}`, { code: 'engine_failed', path: `services.${f.service}` });
}
