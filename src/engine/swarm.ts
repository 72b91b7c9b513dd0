/**
 * A Swarm manager's side of a stack: its secrets and configs made from
 * stdin, `docker stack deploy`, and what its services and tasks say, read
 * through the docker CLI on the manager (over the node's connection).
 */
import { PassThrough } from 'node:stream';
import { BerthError } from '../errors.js';
import { inspectEach } from './images.js';
import { runOrFail, type Runner } from './runner.js';

/** An image's own start, from its config. */
export async function imageStarts(runner: Runner, refs: string[]): Promise<Map<string, { entrypoint: string[]; cmd: string[] }>> {
  const found = await inspectEach(runner, refs, '{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}');
  const out = new Map<string, { entrypoint: string[]; cmd: string[] }>();
  refs.forEach((ref, i) => {
    const line = found[i];
    if (!line) return;
    const [entrypoint, cmd] = line.split('\t').map((x) => (JSON.parse(x) as string[] | null) ?? []);
    out.set(ref, { entrypoint: entrypoint!, cmd: cmd ?? [] });
  });
  return out;
}

/** Makes a secret or config unless one of that name exists (names carry a hash of the content); the value goes on stdin only. */
const CREATE = 'docker "$1" inspect "$2" >/dev/null 2>&1 && exit 0; docker "$1" create --label "dev.berth.stack=$3" "$2" - >/dev/null';

export async function ensureObject(runner: Runner, o: { kind: 'secret' | 'config'; name: string; content: string }, project: string): Promise<void> {
  await runOrFail(runner, { argv: ['sh', '-c', CREATE, 'sh', o.kind, o.name, project] }, `making ${o.kind} ${o.name}`, { input: o.content });
}

/** Whether the engine is a Swarm manager; a refusal says how to make one. */
export async function requireManager(runner: Runner, where: string): Promise<void> {
  const r = await runner.run({ argv: ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'] });
  if (r.stdout.trim() !== 'active true') {
    throw new BerthError(`${where} is not a Swarm manager (${r.stdout.trim() || r.stderr.trim()}); run docker swarm init there, or deploy it with Compose (without --swarm)`, { code: 'usage' });
  }
}

/** The Swarm's other nodes, as the manager lists them (hostnames). */
export async function otherNodes(runner: Runner): Promise<string[]> {
  const out = await runOrFail(runner, { argv: ['docker', 'node', 'ls', '--format', '{{.Self}} {{.Hostname}}'] }, 'docker node ls');
  return out.split('\n').filter((l) => l.startsWith('false ')).map((l) => l.slice('false '.length)).sort();
}

/** `docker stack deploy` of a file on the manager; never --prune: a service the file no longer names is left to the user. */
export async function stackDeploy(runner: Runner, file: string, project: string, resolveImage: 'always' | 'never'): Promise<void> {
  await runOrFail(runner, { argv: ['docker', 'stack', 'deploy', '--with-registry-auth', '--resolve-image', resolveImage, '-c', file, project] }, `docker stack deploy ${project}`);
}

export interface SwarmTask {
  service: string;
  state: string;
  desired: string;
  error: string;
  /** The spec version of its service it runs (a task of an older spec is on its way out). */
  image: string;
}

export interface SwarmService {
  name: string;
  replicas: number;
  image: string;
  /** updating, completed, paused, rollback_started, rollback_completed, rollback_paused; none before any update. */
  update?: { state: string; message: string; startedAt: string };
  /** The role berth gave it (a job runs once). */
  role: string;
  /** berth made it (its dev.berth.stack label names the stack). */
  berths: boolean;
}

const SERVICES = `ids=$(docker service ls -q --filter "label=com.docker.stack.namespace=$1"); [ -z "$ids" ] || docker service inspect --format '{{json .}}' $ids`;

interface ServiceJson {
  Spec: { Name: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } }; TaskTemplate: { ContainerSpec: { Image: string } } };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
}

/** The stack's services as the manager has them. */
export async function stackServices(runner: Runner, project: string): Promise<SwarmService[]> {
  const out = await runOrFail(runner, { argv: ['sh', '-c', SERVICES, 'sh', project] }, `reading the services of stack ${project}`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ServiceJson)
    .map((j) => ({
      name: j.Spec.Name.startsWith(`${project}_`) ? j.Spec.Name.slice(project.length + 1) : j.Spec.Name,
      replicas: j.Spec.Mode?.Replicated?.Replicas ?? 1,
      image: j.Spec.TaskTemplate.ContainerSpec.Image,
      role: j.Spec.Labels?.['dev.berth.role'] ?? 'service',
      berths: j.Spec.Labels?.['dev.berth.stack'] === project,
      ...(j.UpdateStatus?.State ? { update: { state: j.UpdateStatus.State, message: j.UpdateStatus.Message ?? '', startedAt: j.UpdateStatus.StartedAt ?? '' } } : {}),
    }));
}

/** The stack's tasks (those Swarm keeps: current and recent). */
export async function stackTasks(runner: Runner, project: string): Promise<SwarmTask[]> {
  const r = await runner.run({ argv: ['docker', 'stack', 'ps', '--no-trunc', '--format', '{{.Name}}\t{{.CurrentState}}\t{{.DesiredState}}\t{{.Error}}\t{{.Image}}', project] });
  if (r.code !== 0) {
    if (/nothing found in stack/i.test(r.stderr)) return [];
    throw new BerthError(`reading the tasks of stack ${project} failed: ${r.stderr.trim().split('\n').at(-1)}`, { code: 'engine_failed' });
  }
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name, state, desired, error, image] = l.split('\t') as [string, string, string, string, string];
      // project_service.slot (or .nodeid for global services)
      const service = name.slice(project.length + 1).replace(/\.[^.]+$/, '');
      return { service, state: state.split(' ')[0]!.toLowerCase(), desired: desired.toLowerCase(), error, image };
    });
}

/**
 * Removes the secrets and configs berth made for the stack that no kept
 * release names; one a service still uses is refused by Swarm and stays.
 * Returns the names removed.
 */
export async function pruneObjects(runner: Runner, project: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const r = await runner.run({ argv: ['docker', kind, 'ls', '--filter', `label=dev.berth.stack=${project}`, '--format', '{{.Name}}'] });
    if (r.code !== 0) continue;
    const old = r.stdout.split('\n').filter((n) => n && !keep.has(n));
    for (const name of old) if ((await runner.run({ argv: ['docker', kind, 'rm', name] })).code === 0) removed.push(name);
  }
  return removed;
}

/** Removes services of the stack (their tasks go; volumes, secrets and configs stay). */
export async function removeServices(runner: Runner, project: string, services: string[]): Promise<void> {
  if (services.length) await runOrFail(runner, { argv: ['docker', 'service', 'rm', ...services.map((s) => `${project}_${s}`)] }, `removing ${services.join(', ')} from stack ${project}`);
}

/** Each line starts with the task: <project>_<service>.<slot>@<node>; the project is the same on every line. */
const withoutProject = (project: string, l: string) => (l.startsWith(`${project}_`) ? l.slice(project.length + 1) : l);

/** The last lines a service logged, each after its task (<service>.<slot>@<node> |). */
export async function serviceLogs(runner: Runner, project: string, service: string, tail = 20): Promise<string> {
  const r = await runner.run({ argv: ['docker', 'service', 'logs', '--no-task-ids', '--tail', String(tail), `${project}_${service}`] });
  return `${r.stdout}${r.stderr}`
    .split('\n')
    .map((l) => withoutProject(project, l))
    .join('\n')
    .trim();
}

/**
 * `docker service logs -f` on the manager, watched: it ends once its stdin
 * closes, which is when the ssh client here stops (or the connection goes),
 * so a quiet service's follow does not outlive berth there, waiting for a
 * line to fail to write. Its own exit status is the command's. A command
 * put in the background reads /dev/null unless told otherwise, so the
 * watcher is given the session's stdin as fd 3.
 */
const FOLLOW =
  'exec 3<&0; docker service logs --follow --no-task-ids --tail "$1" "$2" </dev/null 3<&- & p=$!; ' +
  '(cat <&3 >/dev/null; kill $p 2>/dev/null) >/dev/null 2>&1 & exec 3<&-; wait $p 2>/dev/null';

export interface ServiceLogLine {
  stream: 'stdout' | 'stderr';
  /** The line after its task (<service>.<slot>@<node> | ...). */
  text: string;
}

/** Calls `onText` with each whole line of a stream's chunks, the last one once the stream ends. */
function lineSplitter(onText: (text: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const p of parts) onText(p);
    },
    end() {
      if (rest) onText(rest);
      rest = '';
    },
  };
}

/** Follows a service's log, line by line as it comes, from its last `tail` lines until `signal` aborts. */
export async function followServiceLogs(runner: Runner, project: string, service: string, o: { tail: number; signal?: AbortSignal }, onLine: (l: ServiceLogLine) => void): Promise<void> {
  const out = lineSplitter((t) => onLine({ stream: 'stdout', text: withoutProject(project, t) }));
  const err = lineSplitter((t) => onLine({ stream: 'stderr', text: withoutProject(project, t) }));
  // Stays open while berth follows; its end is what the watcher on the manager waits for.
  const stdin = new PassThrough();
  const close = () => stdin.end();
  o.signal?.addEventListener('abort', close, { once: true });
  try {
    const r = await runner.run({ argv: ['sh', '-c', FOLLOW, 'sh', String(o.tail), `${project}_${service}`] }, { input: stdin, signal: o.signal, onStdout: out.push, onStderr: err.push });
    out.end();
    err.end();
    // 130: Ctrl-C on the terminal reached the ssh client too, before berth's own signal was handled.
    if (r.code !== 0 && r.code !== 130 && !o.signal?.aborted) throw new BerthError(`following the logs of ${project}_${service} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`}`, { code: 'engine_failed' });
  } finally {
    close();
    o.signal?.removeEventListener('abort', close);
  }
}
