/**
 * status, logs and scale of a stack's part that runs on a node as a Swarm
 * stack (berth deploy --swarm): asked of the node's manager over its ssh
 * connection, through the docker CLI there.
 */
import { BerthError, UsageError } from '../errors.js';
import type { NodeRelease } from '../model/release.js';
import { followServiceLogs, serviceLogs, stackServices, stackTasks, type ServiceLogLine } from '../engine/swarm.js';
import type { OpsDeps } from './deps.js';
import { nodeRun, onNode } from './nodes.js';
import type { NodePlace } from './node-release.js';
import { updateMarks, waitSwarm } from './swarm-wait.js';

export interface SwarmNodeOptions {
  acceptNewHostKey?: boolean;
}

/** Runs `fn` on the node's manager; refused when the node runs no Swarm release of the stack. */
async function onSwarmNode<T>(deps: OpsDeps, name: string, nodeName: string, o: SwarmNodeOptions, fn: (p: NodePlace, release: NodeRelease) => Promise<T>): Promise<T> {
  const { node, number, release } = nodeRun(deps, name, nodeName);
  if (release.target !== 'swarm') {
    throw new UsageError(`--node: ${node.name} runs no Swarm release of ${name} (release ${number} runs there with Compose: berth status and logs --node show it; ssh there and use Compose in its current folder for the rest); berth deploy ${name} --swarm --node ${node.name} puts one there`);
  }
  return onNode(deps, name, node, { acceptNewHostKey: o.acceptNewHostKey }, (p) => fn(p, release));
}

export interface SwarmServiceStatus {
  name: string;
  /** Tasks running (and healthy, for a service with a health check). */
  running: number;
  replicas: number;
  role: string;
  /** ready, starting, updating, rolled back, paused, complete (a job), failed. */
  state: string;
  image: string;
  /** The last task error Swarm reported, if any. */
  error?: string;
}

export interface SwarmStatus {
  stack: string;
  node: string;
  project: string;
  services: SwarmServiceStatus[];
  ready: boolean;
}

function stateOf(s: { role: string; replicas: number; update?: { state: string } }, running: number, tasks: { state: string }[]): string {
  if (s.update && !['completed', 'rollback_completed'].includes(s.update.state)) return s.update.state.replace('_', ' ');
  if (s.role === 'job') return tasks.some((t) => t.state === 'complete') ? 'complete' : tasks.some((t) => t.state === 'failed') ? 'failed' : 'starting';
  return running >= s.replicas ? (s.update?.state === 'rollback_completed' ? 'ready (rolled back)' : 'ready') : 'starting';
}

export async function swarmStatus(deps: OpsDeps, name: string, nodeName: string, o: SwarmNodeOptions = {}): Promise<SwarmStatus> {
  return onSwarmNode(deps, name, nodeName, o, async (p) => {
    const [svcs, tasks] = await Promise.all([stackServices(p.remote.runner, p.node.project), stackTasks(p.remote.runner, p.node.project)]);
    const services = svcs
      .map((s) => {
        const own = tasks.filter((t) => t.service === s.name && t.image === s.image);
        const running = own.filter((t) => t.desired === 'running' && t.state === 'running').length;
        const error = own.find((t) => t.error)?.error;
        return { name: s.name, running, replicas: s.replicas, role: s.role, state: stateOf(s, running, own), image: s.image, ...(error ? { error } : {}) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return { stack: name, node: p.node.name, project: p.node.project, services, ready: services.every((s) => s.state.startsWith('ready') || s.state === 'complete') };
  });
}

/** The services asked for (all of the stack's on the node when none is), each one the manager has. */
async function chosenServices(p: NodePlace, name: string, services: string[]): Promise<string[]> {
  const known = (await stackServices(p.remote.runner, p.node.project)).map((s) => s.name).sort();
  const unknown = services.find((s) => !known.includes(s));
  if (unknown) throw new UsageError(`${unknown} is not a service of ${name} on node ${p.node.name}; its services: ${known.join(', ')}`);
  return services.length ? services : known;
}

export async function swarmLogs(deps: OpsDeps, name: string, nodeName: string, services: string[], tail: number, o: SwarmNodeOptions = {}): Promise<{ service: string; text: string }[]> {
  return onSwarmNode(deps, name, nodeName, o, async (p) => {
    const out: { service: string; text: string }[] = [];
    for (const s of await chosenServices(p, name, services)) out.push({ service: s, text: await serviceLogs(p.remote.runner, p.node.project, s, tail) });
    return out;
  });
}

export interface SwarmLogLine {
  service: string;
  /** <service>.<slot>@<node>. */
  task: string;
  stream: ServiceLogLine['stream'];
  line: string;
}

/** A line of `docker service logs` without its project: `api.1@host-0    | GET /health`. */
function taskLine(service: string, l: ServiceLogLine): SwarmLogLine {
  const m = /^(\S+@\S+)\s+\| ?(.*)$/.exec(l.text);
  return { service, task: m?.[1] ?? service, stream: l.stream, line: m ? m[2]! : l.text };
}

/** Follows the services' logs on the node's manager (each from its last `tail` lines) until `signal` aborts; the connection is closed after. */
export async function swarmFollow(deps: OpsDeps, name: string, nodeName: string, services: string[], o: SwarmNodeOptions & { tail: number; signal?: AbortSignal }, write: (l: SwarmLogLine) => void): Promise<void> {
  await onSwarmNode(deps, name, nodeName, o, async (p) => {
    const chosen = await chosenServices(p, name, services);
    await Promise.all(chosen.map((s) => followServiceLogs(p.remote.runner, p.node.project, s, { tail: o.tail, signal: o.signal }, (l) => write(taskLine(s, l)))));
  });
}

/** Sets replicas with `docker service scale` and waits for them (until the next deploy, which sets stack.yaml's again). */
export async function swarmScale(deps: OpsDeps, name: string, nodeName: string, replicas: Record<string, number>, o: SwarmNodeOptions & { timeoutMs: number }): Promise<void> {
  await onSwarmNode(deps, name, nodeName, o, async (p) => {
    const runner = p.remote.runner;
    const svcs = await stackServices(runner, p.node.project);
    for (const s of Object.keys(replicas)) {
      const sv = svcs.find((x) => x.name === s);
      if (!sv) throw new UsageError(`${s} is not a service of ${name} on node ${nodeName}; its services: ${svcs.map((x) => x.name).sort().join(', ')}`);
      if (sv.role === 'job') throw new UsageError(`${s} is a job, which runs once; it has no replicas to scale`);
    }
    const before = await updateMarks(runner, p.node.project);
    const r = await runner.run({ argv: ['docker', 'service', 'scale', '--detach', ...Object.entries(replicas).map(([s, n]) => `${p.node.project}_${s}=${n}`)] });
    if (r.code !== 0) throw new BerthError(`docker service scale on ${nodeName} failed: ${r.stderr.trim().split('\n').at(-1)}`, { code: 'engine_failed' });
    await waitSwarm(deps, runner, p.node.project, Object.keys(replicas), { timeoutMs: o.timeoutMs, before });
  });
}
