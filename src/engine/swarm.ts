/**
 * A Swarm manager's side of a stack: its secrets and configs made from
 * stdin, `docker stack deploy`, and what its services and tasks say, read
 * through the docker CLI on the manager (over the node's connection).
 */
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

/** The last lines a service logged, each after its task (<service>.<slot>@<node> |). */
export async function serviceLogs(runner: Runner, project: string, service: string, tail = 20): Promise<string> {
  const r = await runner.run({ argv: ['docker', 'service', 'logs', '--no-task-ids', '--tail', String(tail), `${project}_${service}`] });
  // Each line starts with the task: <project>_<service>.<slot>@<node>; the project is the same on every line.
  return `${r.stdout}${r.stderr}`
    .split('\n')
    .map((l) => (l.startsWith(`${project}_`) ? l.slice(project.length + 1) : l))
    .join('\n')
    .trim();
}
