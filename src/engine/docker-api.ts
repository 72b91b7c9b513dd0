/**
 * A small Docker Engine API client over the unix socket (or tcp://) with
 * Node's http: one in-process request answers `status` for every stack, with
 * no docker CLI start-up per call.
 */
import http from 'node:http';
import { BerthError } from '../errors.js';
import { LogDecoder, type LogLine } from './log-stream.js';
import { demuxLogs, endpointFromEnv, engineMessage, type Answer, type Endpoint } from './docker-wire.js';

export { demuxLogs, endpointFromEnv, engineMessage };

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Status: string;
  Labels: Record<string, string>;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Created: number;
}

export interface ContainerInspect {
  Id: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; ExitCode: number; Pid: number; StartedAt: string; FinishedAt: string; Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] } };
  Config: { Labels: Record<string, string>; Image: string; Tty?: boolean; Healthcheck?: { Test?: string[]; Timeout?: number } };
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr, interleaved. */
  output: string;
}

export interface LogOptions {
  follow?: boolean;
  /** Lines from the end of the log; all of it when not given. */
  tail?: number;
  /** Only lines from this time on (unix seconds, with a fraction). */
  since?: number;
}

/** What berth asks of the engine. The real one is DockerApi; tests may pass their own. */
export interface Engine {
  describe(): string;
  ping(): Promise<void>;
  listContainers(labels: string[], all?: boolean): Promise<ContainerSummary[]>;
  inspect(id: string): Promise<ContainerInspect>;
  /** The last `tail` lines; with `since` (unix seconds), only lines written from then on. */
  logs(id: string, tail: number, since?: number): Promise<string>;
  /** Names of the volumes with all these labels. */
  listVolumes(labels: string[]): Promise<string[]>;
  /** Deletes a volume; false when it was already gone. */
  removeVolume(name: string): Promise<boolean>;
  /** Removes a container, stopping it first. */
  removeContainer(id: string): Promise<void>;
  /** Starts a created or stopped container; the engine's own words when it cannot. */
  startContainer(id: string): Promise<void>;
  /** Runs argv in a running container; its exit code and output, or undefined when it did not finish within timeoutMs. */
  exec(id: string, argv: string[], timeoutMs: number): Promise<ExecResult | undefined>;
  /** Whether the engine has this image. */
  imageExists(ref: string): Promise<boolean>;
  /** Pulls an image; the registry's or the engine's reason when it cannot. */
  pullImage(ref: string): Promise<void>;
  /** A network's labels, or undefined when no network has that name. */
  networkLabels(name: string): Promise<Record<string, string> | undefined>;
  /** A container's log as timestamped lines; with `follow`, until the container stops or `signal` aborts. */
  streamLogs(id: string, o: LogOptions, onLine: (line: LogLine) => void, signal?: AbortSignal): Promise<void>;
}

export class DockerApi implements Engine {
  private readonly ep: Endpoint;
  private readonly agent: http.Agent;
  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.ep = endpointFromEnv(env);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  describe(): string {
    return this.ep.text;
  }

  /** One request; `body` is sent as JSON; `timeoutMs` gives up on a slow answer (an exec that hangs). */
  private request(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { Host: 'docker', ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}) };
      const req = http.request(
        { socketPath: this.ep.socketPath, host: this.ep.host, port: this.ep.port, method, path, agent: this.agent, headers, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? 'no content type', body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => reject(this.unreachable(e)));
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.end(payload);
    });
  }

  private unreachable(e: NodeJS.ErrnoException): Error {
    const where = this.ep.text;
    const code = 'engine_unreachable';
    if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
      return new BerthError(`the Docker engine is not running (nothing answers at ${where}); start it (e.g. sudo systemctl start docker) or set DOCKER_HOST`, { code });
    }
    if (e.code === 'EACCES') return new BerthError(`permission denied on ${where}; add your user to the docker group or run with sudo`, { code });
    // Node's HTTP parser fails (HPE_*) when what answers does not speak HTTP at all.
    if (e.code?.startsWith('HPE_')) return this.notAnEngine('does not speak HTTP');
    return new BerthError(`cannot reach the Docker engine at ${where}: ${e.message}`, { code });
  }

  private notAnEngine(what: string): BerthError {
    return new BerthError(`what answers at ${this.ep.text} is not a Docker engine: it ${what}; point DOCKER_HOST at the engine (unix:///var/run/docker.sock by default)`, {
      code: 'engine_failed',
    });
  }

  /** The engine's JSON answer; an answer that is not JSON is not from an engine, whatever its status. */
  private async json<T>(path: string): Promise<T> {
    const r = await this.request('GET', path);
    const what = `GET ${path.split('?')[0]}`;
    let body: unknown;
    try {
      body = JSON.parse(r.body.toString('utf8'));
    } catch {
      throw this.notAnEngine(`answered ${what} with ${r.status} ${r.type.split(';')[0]}, not JSON`);
    }
    if (r.status >= 400) {
      const message = (body as { message?: unknown } | null)?.message;
      throw new BerthError(`Docker engine: ${what} failed (${r.status}): ${typeof message === 'string' ? message : r.body.toString('utf8').trim()}`, { code: 'engine_failed' });
    }
    return body as T;
  }

  async ping(): Promise<void> {
    const r = await this.request('GET', '/_ping');
    if (r.status !== 200) throw this.notAnEngine(`answered GET /_ping with ${r.status} ${r.type.split(';')[0]}`);
  }

  listContainers(labels: string[], all = true): Promise<ContainerSummary[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    return this.json(`/containers/json?all=${all ? 1 : 0}&filters=${filters}`);
  }

  async listVolumes(labels: string[]): Promise<string[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    const r = await this.json<{ Volumes: { Name: string }[] | null }>(`/volumes?filters=${filters}`);
    return (r.Volumes ?? []).map((v) => v.Name);
  }

  async removeVolume(name: string): Promise<boolean> {
    const r = await this.request('DELETE', `/volumes/${encodeURIComponent(name)}`);
    if (r.status === 404) return false;
    if (r.status >= 400) throw new BerthError(`Docker engine: deleting volume ${name} failed (${r.status}): ${engineMessage(r.body)}`, { code: 'engine_failed' });
    return true;
  }

  async removeContainer(id: string): Promise<void> {
    const r = await this.request('DELETE', `/containers/${encodeURIComponent(id)}?force=1&v=0`);
    if (r.status >= 400 && r.status !== 404) throw new BerthError(`Docker engine: removing container ${id.slice(0, 12)} failed (${r.status}): ${engineMessage(r.body)}`, { code: 'engine_failed' });
  }

  async startContainer(id: string): Promise<void> {
    const r = await this.request('POST', `/containers/${encodeURIComponent(id)}/start`);
    if (r.status >= 400) throw new BerthError(engineMessage(r.body) || `the engine answered ${r.status}`, { code: 'engine_failed' });
  }

  async exec(id: string, argv: string[], timeoutMs: number): Promise<ExecResult | undefined> {
    const made = await this.request('POST', `/containers/${encodeURIComponent(id)}/exec`, { Cmd: argv, AttachStdout: true, AttachStderr: true });
    if (made.status >= 400) return undefined;
    const execId = encodeURIComponent((JSON.parse(made.body.toString('utf8')) as { Id: string }).Id);
    // Not detached: the answer ends when the command does.
    const ran = await this.request('POST', `/exec/${execId}/start`, { Detach: false, Tty: false }, timeoutMs).catch(() => undefined);
    if (!ran || ran.status >= 400) return undefined;
    const done = await this.json<{ Running: boolean; ExitCode: number | null }>(`/exec/${execId}/json`);
    return done.Running || done.ExitCode === null ? undefined : { exitCode: done.ExitCode, output: demuxLogs(ran.body) };
  }

  async imageExists(ref: string): Promise<boolean> {
    const r = await this.request('GET', `/images/${encodeURIComponent(ref)}/json`);
    if (r.status === 404) return false;
    if (r.status >= 400) throw new BerthError(`Docker engine: GET /images/${ref}/json failed (${r.status}): ${engineMessage(r.body)}`, { code: 'engine_failed' });
    return true;
  }

  async pullImage(ref: string): Promise<void> {
    const at = ref.lastIndexOf(':');
    const [image, tag] = at > ref.lastIndexOf('/') ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
    const r = await this.request('POST', `/images/create?fromImage=${encodeURIComponent(image)}&tag=${encodeURIComponent(tag)}`);
    // The engine answers 200 and reports a failure inside the progress stream: its last message says.
    const last = r.body.toString('utf8').trim().split('\n').at(-1) ?? '';
    const error = r.status >= 400 ? engineMessage(r.body) : (() => { try { return (JSON.parse(last) as { error?: string }).error; } catch { return undefined; } })();
    if (error) throw new BerthError(error, { code: 'engine_failed' });
  }

  async networkLabels(name: string): Promise<Record<string, string> | undefined> {
    const r = await this.request('GET', `/networks/${encodeURIComponent(name)}`);
    if (r.status === 404) return undefined;
    if (r.status >= 400) throw new BerthError(`Docker engine: GET /networks/${name} failed (${r.status}): ${engineMessage(r.body)}`, { code: 'engine_failed' });
    return (JSON.parse(r.body.toString('utf8')) as { Labels?: Record<string, string> | null }).Labels ?? {};
  }

  inspect(id: string): Promise<ContainerInspect> {
    return this.json(`/containers/${encodeURIComponent(id)}/json`);
  }

  async logs(id: string, tail: number, since?: number): Promise<string> {
    const r = await this.request('GET', `/containers/${encodeURIComponent(id)}/logs?stdout=1&stderr=1&tail=${tail}${since !== undefined ? `&since=${since}` : ''}`);
    return r.status >= 400 ? '' : demuxLogs(r.body);
  }

  async streamLogs(id: string, o: LogOptions, onLine: (line: LogLine) => void, signal?: AbortSignal): Promise<void> {
    const { Config } = await this.inspect(id);
    const decoder = new LogDecoder(!!Config.Tty, onLine);
    const query = `stdout=1&stderr=1&timestamps=1&follow=${o.follow ? 1 : 0}&tail=${o.tail ?? 'all'}${o.since !== undefined ? `&since=${o.since.toFixed(6)}` : ''}`;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { socketPath: this.ep.socketPath, host: this.ep.host, port: this.ep.port, path: `/containers/${encodeURIComponent(id)}/logs?${query}`, headers: { Host: 'docker' } },
        (res) => {
          if ((res.statusCode ?? 0) >= 400) {
            res.resume();
            return reject(new BerthError(`Docker engine: logs of container ${id.slice(0, 12)} failed (${res.statusCode})`, { code: 'engine_failed' }));
          }
          res.on('data', (c: Buffer) => decoder.push(c));
          res.on('end', () => (decoder.end(), resolve()));
          res.on('error', reject);
        },
      );
      signal?.addEventListener('abort', () => (req.destroy(), decoder.end(), resolve()), { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => (signal?.aborted ? resolve() : reject(this.unreachable(e))));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export const LABEL_PROJECT = 'com.docker.compose.project';
/** berth's own label on every container and volume of a stack. */
export const LABEL_STACK = 'dev.berth.stack';
export const LABEL_SERVICE = 'com.docker.compose.service';
export const LABEL_NUMBER = 'com.docker.compose.container-number';
export const LABEL_ONEOFF = 'com.docker.compose.oneoff';
