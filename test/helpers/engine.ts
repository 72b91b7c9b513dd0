/**
 * An in-memory stand-in for the Engine API reads, for CLI tests of exact
 * argv. The real engine is exercised by the end-to-end tier.
 */
import type { ContainerInspect, ContainerSummary, Engine, LogOptions } from '../../src/engine/docker-api.js';
import type { LogLine } from '../../src/engine/log-stream.js';
import { parseExitCode, parseHealth } from '../../src/engine/state.js';

export class MemoryEngine implements Engine {
  containers: ContainerSummary[] = [];
  /** Volumes by name, with their labels. */
  volumes: { name: string; labels: Record<string, string> }[] = [];
  /** Log lines per container id, as the engine would give them. */
  logLines: Record<string, LogLine[]> = {};
  pings = 0;
  /** Networks by name, with their labels. */
  networks: Record<string, Record<string, string>> = {};
  /** Exit code of a probe run in a container (default 0: ready). */
  execExit: (id: string, argv: string[]) => number | undefined = () => 0;
  /** Engine errors for starting a container, by container id. */
  startErrors: Record<string, string> = {};
  started: string[] = [];
  /** When a container exited, by id (default: long ago, a previous run's). */
  finishedAt: Record<string, string> = {};
  describe(): string {
    return 'memory://';
  }
  async ping(): Promise<void> {
    this.pings++;
  }
  async listContainers(labels: string[], all = true): Promise<ContainerSummary[]> {
    return this.containers.filter(
      (c) => (all || c.State === 'running') && labels.every((l) => (l.includes('=') ? c.Labels[l.split('=')[0]!] === l.split('=')[1] : l in c.Labels)),
    );
  }
  async inspect(id: string): Promise<ContainerInspect> {
    const c = this.containers.find((x) => x.Id === id)!;
    return {
      Id: id,
      RestartCount: 0,
      State: {
        Status: c.State,
        Running: c.State === 'running',
        ExitCode: parseExitCode(c.Status) ?? 0,
        Pid: 1,
        StartedAt: new Date().toISOString(),
        FinishedAt: this.finishedAt[id] ?? new Date(0).toISOString(),
        ...(parseHealth(c.Status) ? { Health: { Status: parseHealth(c.Status)! } } : {}),
      },
      Config: { Labels: c.Labels, Image: c.Image, ...(parseHealth(c.Status) ? { Healthcheck: { Test: ['CMD-SHELL', 'probe'], Timeout: 5e9 } } : {}) },
    };
  }
  async listVolumes(labels: string[]): Promise<string[]> {
    return this.volumes.filter((v) => labels.every((l) => v.labels[l.split('=')[0]!] === l.split('=')[1])).map((v) => v.name);
  }
  async removeVolume(name: string): Promise<boolean> {
    const before = this.volumes.length;
    this.volumes = this.volumes.filter((v) => v.name !== name);
    return this.volumes.length < before;
  }
  async removeContainer(id: string): Promise<void> {
    this.containers = this.containers.filter((c) => c.Id !== id);
  }
  async startContainer(id: string): Promise<void> {
    const error = this.startErrors[id];
    if (error) throw new Error(error);
    this.started.push(id);
    const c = this.containers.find((x) => x.Id === id);
    if (c) Object.assign(c, { State: 'running', Status: 'Up 1 second' });
  }
  async exec(id: string, argv: string[]): Promise<{ exitCode: number; output: string } | undefined> {
    const exitCode = this.execExit(id, argv);
    return exitCode === undefined ? undefined : { exitCode, output: exitCode ? 'probe failed' : '' };
  }
  /** Images the engine has; pulls of anything else fail as without a registry. */
  images: string[] = [];
  async imageExists(ref: string): Promise<boolean> {
    return this.images.includes(ref);
  }
  async pullImage(ref: string): Promise<void> {
    throw new Error(`pull access denied for ${ref}`);
  }
  async networkLabels(name: string): Promise<Record<string, string> | undefined> {
    return this.networks[name];
  }
  async logs(): Promise<string> {
    return '';
  }
  async streamLogs(id: string, o: LogOptions, onLine: (l: LogLine) => void): Promise<void> {
    const lines = this.logLines[id] ?? [];
    for (const l of o.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - o.tail))) onLine(l);
  }
  /** A running container of a stack's service, with an optional health state. */
  add(stack: string, service: string, opts: { health?: 'healthy' | 'unhealthy'; state?: string; ports?: number[]; number?: number } = {}): void {
    const n = opts.number ?? 1;
    this.containers.push({
      Id: `${stack}-${service}-${n}`.padEnd(64, '0'),
      Names: [`/${stack}-${service}-${n}`],
      Image: `${service}:test`,
      State: opts.state ?? 'running',
      Status: opts.state === 'exited' ? 'Exited (0) 1 second ago' : `Up 5 seconds${opts.health ? ` (${opts.health})` : ''}`,
      Labels: { 'com.docker.compose.project': stack, 'com.docker.compose.service': service, 'com.docker.compose.container-number': String(n), 'dev.berth.stack': stack },
      Ports: (opts.ports ?? []).map((p) => ({ IP: '0.0.0.0', PrivatePort: p, PublicPort: p, Type: 'tcp' })),
      Created: 0,
    });
  }
}
