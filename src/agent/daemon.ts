/**
 * The agent's life: enroll once (or use the credential it kept), report the
 * end of any job a previous run left started, then two loops until stopped:
 * a heartbeat every interval (host facts and the stacks of this host), and a
 * long poll for the next job, run one at a time. A server that does not
 * answer is waited for; a revoked credential stops the agent.
 */
import { BerthError } from '../errors.js';
import type { OpsDeps } from '../ops/deps.js';
import { hostFacts } from '../ops/host-facts.js';
import { stacksOverview } from '../ops/overview.js';
import type { AgentConfig } from './config.js';
import { reportEnd, runLeasedJob, type LeasedJob } from './jobs.js';
import { AgentState, type Credential } from './state.js';
import { replyError, type Transport } from './transport.js';

const POLL_WAIT_S = 25;

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((r) => {
  const t = setTimeout(r, ms);
  signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
});

export interface DaemonStatus {
  enrolled: boolean;
  lastHeartbeat?: string;
  lastError?: string;
  runningJob?: string;
  /** Counts since the agent started, for its /metrics. */
  heartbeats: { ok: number; failed: number };
  jobs: { succeeded: number; failed: number };
}

export class AgentDaemon {
  readonly status: DaemonStatus = { enrolled: false, heartbeats: { ok: 0, failed: 0 }, jobs: { succeeded: 0, failed: 0 } };
  private readonly stop = new AbortController();
  private cred?: Credential;
  private loops: Promise<void>[] = [];
  /** Resolves with the reason the agent stopped by itself (revoked); never while it runs. */
  readonly ended: Promise<BerthError>;
  private endWith!: (e: BerthError) => void;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly deps: OpsDeps,
    private readonly transport: Transport,
    private readonly log: (line: string) => void,
  ) {
    this.ended = new Promise((r) => (this.endWith = r));
  }

  private get state(): AgentState {
    return new AgentState(this.cfg.dataDir);
  }

  /** An enrollment token: the one given, or one the server's API token makes. */
  private async enrollToken(): Promise<string> {
    if (this.cfg.enrollToken) return this.cfg.enrollToken;
    if (!this.cfg.apiToken) throw new BerthError('--enroll-token: this agent has not enrolled yet; create a token on the server (berth agent token create, or the agents page) and pass it as --enroll-token or BERTH_ENROLL_TOKEN', { code: 'usage', path: '--enroll-token' });
    const r = await this.transport.request('POST', '/api/v1/agents/tokens', { bearer: this.cfg.apiToken, body: {} });
    if (r.status !== 201) throw replyError('creating an enrollment token with BERTH_AUTH_TOKEN', r);
    return r.body.token as string;
  }

  /** The kept credential, or a new one from enrolling. */
  async enroll(): Promise<Credential> {
    const kept = this.state.credential(this.cfg.serverUrl);
    if (kept) return (this.cred = kept);
    const token = await this.enrollToken();
    const r = await this.transport.request('POST', '/api/v1/agents/enroll', { body: { token, name: this.cfg.name, intervalSeconds: this.cfg.intervalSeconds } });
    if (r.status !== 201) throw replyError('enrolling', r);
    this.cred = { serverUrl: this.cfg.serverUrl, agentId: r.body.agent.id, name: r.body.agent.name, credential: r.body.credential };
    this.state.saveCredential(this.cred);
    this.log(`enrolled with ${this.cfg.serverUrl} as agent ${this.cred.name} (${this.cred.agentId}); credential kept in ${this.state.credentialFile}`);
    return this.cred;
  }

  async start(): Promise<void> {
    await this.enroll();
    this.status.enrolled = true;
    for (const j of this.state.started()) {
      this.log(`job ${j.id} (${j.action} of stack ${j.stack}) was started before this agent stopped; reporting it failed, not running it again`);
      const said = await reportEnd({ ...this.ctx(), signal: this.stop.signal }, j.id, j.leaseId, { ok: false, error: { code: 'failed', message: 'the agent stopped while it ran this job; it was not run again: check the stack, then queue it again' } });
      if (said) this.state.end(j.id);
    }
    await this.beat();
    this.loops = [this.heartbeats(), this.polls()];
  }

  private ctx() {
    return { transport: this.transport, credential: this.cred!.credential, log: this.log };
  }

  private fail(e: BerthError): void {
    this.log(e.message);
    this.stop.abort();
    this.endWith(e);
  }

  private async heartbeat(): Promise<void> {
    const facts = await hostFacts(this.deps);
    const stacks = (await stacksOverview(this.deps).catch(() => ({ stacks: [] }))).stacks.map((s) => ({ name: s.name, state: s.state, ready: s.ready, activeServices: s.activeServices, services: s.services, ports: s.ports }));
    const r = await this.transport.request('POST', '/api/v1/agent/heartbeat', { bearer: this.cred!.credential, body: { intervalSeconds: this.cfg.intervalSeconds, facts, stacks }, signal: this.stop.signal });
    if (r.status === 401) return this.fail(new BerthError(`the server refused this agent's credential (revoked?); enroll again: remove ${this.state.credentialFile} and start with a new --enroll-token`, { code: 'unauthorized' }));
    if (r.status !== 200) throw replyError('heartbeat', r);
    this.status.lastHeartbeat = new Date().toISOString();
  }

  /** One heartbeat, counted; a failure is logged once until it changes, and makes /healthz answer 503. */
  private beat(): Promise<void> {
    return this.heartbeat().then(
      () => {
        this.status.lastError = undefined;
        this.status.heartbeats.ok++;
      },
      (e: Error) => {
        this.status.heartbeats.failed++;
        if (this.status.lastError !== e.message) this.log(`heartbeat: ${e.message}`);
        this.status.lastError = e.message;
      },
    );
  }

  private async heartbeats(): Promise<void> {
    while (!this.stop.signal.aborted) {
      await sleep(this.cfg.intervalSeconds * 1000, this.stop.signal);
      if (this.stop.signal.aborted) return;
      await this.beat();
    }
  }

  private async next(): Promise<LeasedJob | undefined> {
    const r = await this.transport.request('GET', `/api/v1/agent/jobs/next?waitSeconds=${POLL_WAIT_S}`, { bearer: this.cred!.credential, timeoutMs: (POLL_WAIT_S + 15) * 1000, signal: this.stop.signal });
    if (r.status === 204) return undefined;
    if (r.status === 401) {
      this.fail(new BerthError('the server refused this agent\'s credential (revoked?); enroll again with a new token', { code: 'unauthorized' }));
      return undefined;
    }
    if (r.status !== 200) throw replyError('next job', r);
    return r.body as LeasedJob;
  }

  private async polls(): Promise<void> {
    let failures = 0;
    while (!this.stop.signal.aborted) {
      try {
        const l = await this.next();
        failures = 0;
        if (!l) continue;
        this.status.runningJob = l.job.id;
        const ok = await runLeasedJob({ ...this.ctx(), state: this.state, deps: this.deps, signal: this.stop.signal, log: this.log }, l);
        if (ok !== undefined) this.status.jobs[ok ? 'succeeded' : 'failed']++;
        this.status.runningJob = undefined;
      } catch (e) {
        if (this.stop.signal.aborted) return;
        if (failures++ % 10 === 0) this.log(`waiting for the server: ${(e as Error).message}`);
        await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)), this.stop.signal);
      }
    }
  }

  /** Stops polling and heartbeats; a running job is asked to stop waiting and reports how it ended. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.loops);
  }
}
