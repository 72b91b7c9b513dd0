/**
 * What a server may ask an agent to do, as data, and how the agent does it:
 * deploy a stack from its stack.yaml (generate, then up: a release), or up,
 * down, restart, status, logs, releases or rollback of a stack on the
 * agent's host. Nothing else: an
 * agent runs no command it is sent. The server checks a request with
 * `checkAgentJob` before it queues it (names as the CLI checks them, the
 * stack.yaml parsed and validated); the agent checks it again and runs it
 * with `runAgentJob`, through the same operations the CLI calls.
 */
import { UsageError } from '../errors.js';
import { parseSpecText } from '../resolve/spec.js';
import { SERVICE_NAME_RE, STACK_NAME_RE } from '../util/names.js';
import type { OpsDeps } from './deps.js';
import { checkAction, runAction, type ActionProgress, type StackAction } from './actions.js';
import { generateStack } from './generate.js';
import { streamStackLogs, type LogRecord } from './logs.js';
import { ensureEngine, expandServices, openStack } from './session.js';
import { loadSpec } from './spec-source.js';
import { stackStatus } from './status.js';
import { listReleases } from './releases.js';

export const AGENT_ACTIONS = ['deploy', 'up', 'down', 'restart', 'status', 'logs', 'releases', 'rollback'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

export interface AgentJobParams {
  /** deploy: the stack.yaml text. */
  spec?: string;
  services?: string[];
  wait?: boolean;
  timeoutSeconds?: number;
  /** logs: lines from the end of each container's log. */
  tail?: number;
  /** rollback: the release to put back (default: the last healthy one before the running one). */
  release?: number;
}

export interface AgentJobRequest extends AgentJobParams {
  action: AgentAction;
  stack: string;
}

const MAX_SPEC = 1024 * 1024;

/** The request as it will be queued; a usage error naming the field otherwise. */
export function checkAgentJob(r: AgentJobRequest): { action: AgentAction; stack: string; params: AgentJobParams } {
  if (!(AGENT_ACTIONS as readonly string[]).includes(r.action)) throw new UsageError(`action: ${JSON.stringify(r.action)} is not an agent job; use ${AGENT_ACTIONS.join(', ')}`);
  if (typeof r.stack !== 'string' || r.stack.length > 63 || !STACK_NAME_RE.test(r.stack)) {
    throw new UsageError(`stack: ${JSON.stringify(r.stack)} is not a stack name (up to 63 lowercase letters, digits, - and _, starting with a letter or digit)`);
  }
  for (const s of r.services ?? []) if (!SERVICE_NAME_RE.test(s)) throw new UsageError(`services: ${JSON.stringify(s)} is not a service name`);
  if (r.action === 'deploy') {
    if (typeof r.spec !== 'string' || !r.spec.trim()) throw new UsageError('spec: a deploy needs the stack.yaml text in spec');
    if (Buffer.byteLength(r.spec) > MAX_SPEC) throw new UsageError('spec: is larger than 1 MiB, the most berth reads for a stack file');
    parseSpecText(r.spec, 'spec');
  } else if (r.spec !== undefined) throw new UsageError(`spec: only a deploy takes a stack.yaml; ${r.action} acts on the stack the agent has`);
  if (r.release !== undefined && (r.action !== 'rollback' || !Number.isInteger(r.release) || r.release < 1)) throw new UsageError(`release: only a rollback takes one, a release number from 1 (releases lists them)`);
  const { action, stack, ...params } = r;
  return { action, stack, params };
}

/** Runs a job on this host; what it did, as data. `onLine` gets a line for what it reports. */
export async function runAgentJob(deps: OpsDeps, r: AgentJobRequest, p: ActionProgress = {}): Promise<Record<string, unknown>> {
  const { action, stack, params } = checkAgentJob(r);
  const timeoutMs = params.timeoutSeconds ? params.timeoutSeconds * 1000 : undefined;
  if (action === 'deploy') {
    const loaded = loadSpec(deps, stack, { text: params.spec!, dir: deps.store.stacks.dir(stack), label: 'stack.yaml' });
    const g = await generateStack(deps, { name: stack, ...loaded });
    for (const w of g.stack.warnings) deps.onEvent({ type: 'warning', message: w });
    deps.onEvent({ type: 'progress', message: `${g.created ? 'generated' : 'regenerated'} stack ${stack} (${g.stack.services.length} services)` });
    const up = await runAction(deps, stack, { action: 'up', wait: params.wait, timeoutMs }, p);
    return { ...up, generated: g.created ? 'new' : 'regenerated' };
  }
  if (action === 'status') return { ...(await stackStatus(deps, stack)) };
  if (action === 'releases') return { ...listReleases(deps, stack) };
  if (action === 'rollback') return runAction(deps, stack, checkAction(deps, stack, { action, ...(params.release !== undefined ? { release: params.release } : {}), timeoutMs }), p);
  if (action === 'logs') {
    const s = openStack(deps, stack);
    const services = expandServices(s, params.services ?? []);
    await ensureEngine(s);
    const records: LogRecord[] = [];
    await streamStackLogs(s, { services, follow: false, tail: params.tail ?? 100 }, (l) => records.push(l));
    return { stack, records };
  }
  const a: StackAction = action === 'down' ? { action, services: params.services } : { action, services: params.services, wait: params.wait, timeoutMs };
  return runAction(deps, stack, checkAction(deps, stack, a), p);
}
