/**
 * The server's side of its agents: one-time enrollment tokens, the
 * per-agent credential an enrollment returns (kept only as a hash, compared
 * in constant time), heartbeats, online or offline (no heartbeat for
 * OFFLINE_AFTER of the agent's own intervals), and the agent's jobs: queued
 * for it, handed out on leases (leases.ts) to its long poll, which a new job
 * wakes at once, and swept when a lease runs out.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { BerthError } from '../errors.js';
import type { AgentRecord, AgentStore } from '../store/records/agents.js';
import type { Job, JobStore } from '../store/records/jobs.js';
import type { LeaseStore } from '../store/records/leases.js';
import type { EventBus } from './events.js';

/** An agent is offline after this many of its own heartbeat intervals without one. */
export const OFFLINE_AFTER = 3;
export const TOKEN_TTL_MS = 3600_000;
const TOKEN_PREFIX = 'berth-enroll-';

export interface AgentHubTimes {
  /** Time to acknowledge a job once taken. */
  ackMs: number;
  /** Time a running job's lease holds without a word from its agent. */
  leaseMs: number;
  /** Times a job is handed out before it fails unacknowledged. */
  maxAttempts: number;
  /** How often leases and online states are swept. */
  sweepMs: number;
}

export const DEFAULT_TIMES: AgentHubTimes = { ackMs: 15_000, leaseMs: 60_000, maxAttempts: 3, sweepMs: 1000 };

export interface AgentHubOptions {
  agents: AgentStore;
  leases: LeaseStore;
  jobs: JobStore;
  bus: EventBus;
  now?: () => number;
  times?: Partial<AgentHubTimes>;
  log?: (line: string) => void;
}

/** An agent as the API and the dashboard show it: never its credential hash. */
export interface AgentView {
  id: string;
  name: string;
  online: boolean;
  createdAt: string;
  enrolledFrom: string;
  intervalSeconds: number;
  lastHeartbeat?: string;
  facts?: Record<string, unknown>;
  stacks?: unknown[];
  revokedAt?: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export class AgentHub {
  readonly times: AgentHubTimes;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly onlineWas = new Map<string, boolean>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(private readonly o: AgentHubOptions) {
    this.times = { ...DEFAULT_TIMES, ...o.times };
  }

  private nowMs(): number {
    return this.o.now?.() ?? Date.now();
  }

  private iso(plusMs = 0): string {
    return new Date(this.nowMs() + plusMs).toISOString();
  }

  view(a: AgentRecord): AgentView {
    const last = a.lastHeartbeat ? Date.parse(a.lastHeartbeat) : undefined;
    const online = !a.revokedAt && last !== undefined && this.nowMs() - last <= OFFLINE_AFTER * a.intervalMs;
    const { credentialHash: _hash, intervalMs, ...rest } = a;
    return { ...rest, online, intervalSeconds: intervalMs / 1000 };
  }

  /** A new enrollment token: shown once, kept as its hash. */
  async createToken(who: string, ttlMs = TOKEN_TTL_MS): Promise<{ token: string; expiresAt: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = this.iso(ttlMs);
    await this.o.agents.addToken({ hash: sha256(token), createdAt: this.iso(), expiresAt, createdBy: who });
    return { token, expiresAt };
  }

  /** Spends an enrollment token for a new agent; its credential (`<id>.<secret>`) is returned once. */
  async enroll(token: string, a: { name: string; intervalSeconds: number }, from: string): Promise<{ agent: AgentView; credential: string }> {
    const id = randomUUID();
    if (!token.startsWith(TOKEN_PREFIX) || !(await this.o.agents.spendToken(sha256(token), id, this.iso()))) {
      throw new BerthError('token: this enrollment token is unknown, spent or expired; create a new one with berth agent token create (or on the agents page)', { code: 'unauthorized', path: 'token' });
    }
    const secret = randomBytes(32).toString('base64url');
    await this.o.agents.create({ id, name: a.name, credentialHash: sha256(secret), createdAt: this.iso(), enrolledFrom: from, intervalMs: a.intervalSeconds * 1000 });
    this.o.log?.(`agent ${a.name} (${id}) enrolled from ${from}`);
    const agent = (await this.o.agents.get(id))!;
    this.o.bus.emit({ type: 'agent', agent: this.view(agent) });
    return { agent: this.view(agent), credential: `${id}.${secret}` };
  }

  /** The agent a credential belongs to, unless it is wrong or the agent was revoked. */
  async authenticate(credential: string): Promise<AgentRecord | undefined> {
    const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(credential);
    if (!m) return undefined;
    const a = await this.o.agents.get(m[1]!);
    const ok = sameHash(sha256(m[2]!), a?.credentialHash ?? sha256('none'));
    return ok && a && !a.revokedAt ? a : undefined;
  }

  async list(): Promise<AgentView[]> {
    return (await this.o.agents.list()).map((a) => this.view(a));
  }

  async get(id: string): Promise<AgentRecord> {
    const a = await this.o.agents.get(id);
    if (!a) throw new BerthError(`no agent ${id}; GET /api/v1/agents lists them`, { code: 'not_found', path: 'id' });
    return a;
  }

  async heartbeat(a: AgentRecord, h: { intervalSeconds: number; facts: Record<string, unknown>; stacks: unknown[] }): Promise<AgentView> {
    const ok = await this.o.agents.heartbeat(a.id, { at: this.iso(), intervalMs: h.intervalSeconds * 1000, facts: h.facts, stacks: h.stacks });
    if (!ok) throw new BerthError('this agent was revoked; enroll it again with a new token', { code: 'unauthorized' });
    const view = this.view((await this.o.agents.get(a.id))!);
    this.onlineWas.set(a.id, view.online);
    this.o.bus.emit({ type: 'agent', agent: view });
    return view;
  }

  /** Revokes the agent: its credential opens nothing any more, and its jobs that have not ended fail. */
  async revoke(id: string): Promise<AgentView> {
    const a = await this.get(id);
    if (!(await this.o.agents.revoke(id, this.iso()))) throw new BerthError(`agent ${a.name} (${id}) was revoked already`, { code: 'conflict' });
    for (const job of await this.o.leases.failAll(id, this.iso(), `agent ${a.name} was revoked`)) this.o.bus.emit({ type: 'job', job });
    this.wake(id);
    const view = this.view((await this.o.agents.get(id))!);
    this.o.bus.emit({ type: 'agent', agent: view });
    return view;
  }

  /** Queues a job for the agent and wakes its long poll. */
  async queue(agentId: string, j: { stack: string; action: string; params: Record<string, unknown>; who: string }): Promise<Job> {
    const a = await this.get(agentId);
    if (a.revokedAt) throw new BerthError(`agent ${a.name} was revoked; it runs no jobs`, { code: 'conflict' });
    const job = await this.o.jobs.create({ id: randomUUID(), ...j, createdAt: this.iso(), agent: agentId });
    this.o.bus.emit({ type: 'job', job });
    this.wake(agentId);
    return job;
  }

  private wake(agentId: string): void {
    for (const w of this.waiters.get(agentId) ?? []) w();
  }

  /** Resolves on the next wake of this agent, after `ms`, or when `signal` aborts. */
  private wait(agentId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(agentId) ?? new Set();
      this.waiters.set(agentId, set);
      const done = () => {
        clearTimeout(t);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  /** The agent's next job, leased to it; waits up to `waitMs` for one. */
  async next(agentId: string, waitMs: number, signal?: AbortSignal): Promise<{ job: Job; leaseId: string } | undefined> {
    const deadline = this.nowMs() + waitMs;
    for (;;) {
      const leaseId = randomUUID();
      const job = await this.o.leases.take(agentId, leaseId, { now: this.iso(), until: this.iso(this.times.ackMs) });
      if (job) {
        this.o.bus.emit({ type: 'job', job });
        return { job, leaseId };
      }
      const left = deadline - this.nowMs();
      if (left <= 0 || signal?.aborted || this.closed) return undefined;
      await this.wait(agentId, left, signal);
    }
  }

  private notHeld(id: string): BerthError {
    return new BerthError(`job ${id}: this agent holds no lease on it (another agent's job, a lease that ran out, or a job that ended)`, { code: 'conflict', path: 'leaseId' });
  }

  async ack(agentId: string, id: string, leaseId: string): Promise<Job> {
    const job = await this.o.leases.ack(agentId, id, leaseId, { now: this.iso(), until: this.iso(this.times.leaseMs) });
    if (!job) throw this.notHeld(id);
    this.o.bus.emit({ type: 'job', job });
    return job;
  }

  /** Log lines of a running job (numbered by the agent: a line sent twice is kept once); keeps its lease. */
  async log(agentId: string, id: string, leaseId: string, lines: { seq: number; time: string; line: string }[]): Promise<void> {
    if (!(await this.o.leases.extend(agentId, id, leaseId, this.iso(this.times.leaseMs)))) throw this.notHeld(id);
    const last = await this.o.jobs.lastSeq(id);
    for (const l of lines.filter((x) => x.seq > last).sort((a, b) => a.seq - b.seq)) {
      await this.o.jobs.log(id, l);
      this.o.bus.emit({ type: 'job.log', id, ...l });
    }
  }

  async finish(agentId: string, id: string, leaseId: string, r: { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }): Promise<Job> {
    const end = r.ok
      ? ({ state: 'succeeded', finishedAt: this.iso(), result: r.result } as const)
      : ({ state: 'failed', finishedAt: this.iso(), error: { code: r.error.code as never, message: r.error.message } } as const);
    if (!(await this.o.leases.finish(agentId, id, leaseId, end))) throw this.notHeld(id);
    const job = (await this.o.jobs.get(id))!;
    this.o.bus.emit({ type: 'job', job });
    return job;
  }

  /** Leases that ran out, and agents that went offline, once. */
  async sweep(): Promise<void> {
    const ended = await this.o.leases.expire(this.iso(), this.times.maxAttempts);
    for (const job of [...ended.requeued, ...ended.failed]) this.o.bus.emit({ type: 'job', job });
    for (const job of ended.requeued) this.wake(job.agent!);
    for (const a of await this.list()) {
      if (this.onlineWas.get(a.id) !== a.online) this.o.bus.emit({ type: 'agent', agent: a });
      this.onlineWas.set(a.id, a.online);
    }
  }

  private closed = false;

  start(): void {
    if (this.times.sweepMs <= 0) return;
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((e: Error) => this.o.log?.(`agents: ${e.message}`))
        .finally(() => (this.sweeping = undefined));
    }, this.times.sweepMs);
  }

  /** Ends every long poll and the sweeps. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const id of this.waiters.keys()) this.wake(id);
    await this.sweeping;
  }
}
