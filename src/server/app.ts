/**
 * A berth server as a Fastify app, without listening: what `berth serve`
 * starts and what tests call in-process. Access rules, errors, metrics and
 * the OpenAPI document are registered before the routes they apply to; the
 * dashboard's pages after the API's routes, in a scope of their own.
 */
import { X509Certificate } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { OpsDeps } from '../ops/deps.js';
import type { RecordsDb } from '../store/records/db.js';
import { JobStore } from '../store/records/jobs.js';
import { SampleStore } from '../store/records/samples.js';
import { SessionStore } from '../store/records/sessions.js';
import { AgentStore } from '../store/records/agents.js';
import { LeaseStore } from '../store/records/leases.js';
import { AgentHub, type AgentHubTimes } from './agent-hub.js';
import { registerAccess, type AccessPolicy } from './auth.js';
import type { ServerContext, ServerMode } from './context.js';
import { pageNotFound, registerDashboard, registerDashboardOff, type Dashboard } from './dashboard/index.js';
import { EventBus, StackWatcher } from './events.js';
import { httpError } from './http-errors.js';
import { JobRunner } from './jobs.js';
import { LoginLimiter, type LoginLimitOptions } from './login-limit.js';
import { registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { registerEventRoutes } from './routes/events.js';
import { registerLogFollow } from './routes/logs-follow.js';
import { registerHealth } from './routes/health.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerAgentApi } from './routes/agent-api.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerStackRoutes } from './routes/stacks.js';
import { StackSampler } from './sampler.js';
import { OverviewCache } from './overview-cache.js';
import { SHARED } from './schemas.js';
import { Sessions } from './sessions.js';

export interface AppOptions extends Omit<AccessPolicy, 'readOnly' | 'dashboard' | 'sessions'> {
  mode: ServerMode;
  /** Read-only even in web mode (BERTH_READ_ONLY=true); reporting always is. */
  readOnly?: boolean;
  /** BERTH_SECRET_KEY: signs dashboard sessions. Without it the dashboard is off, unless the API is public. */
  secretKey?: string;
  deps: OpsDeps;
  records: RecordsDb;
  https?: { cert: string; key: string };
  /** How often stack states are polled while someone listens to the events. */
  pollMs?: number;
  /** How often stack states are sampled for the health timeline (0: only when asked). */
  sampleMs?: number;
  sessionTtlMs?: number;
  loginLimit?: LoginLimitOptions;
  /** How long a stacks listing answers GET /api/v1/stacks (default 1 s; 0: every call looks). */
  stacksCacheMs?: number;
  /** Lease and sweep times of agents' jobs (tests shorten them). */
  agentTimes?: Partial<AgentHubTimes>;
  /** The stack this server runs in (BERTH_OWN_STACK), which it refuses to change under itself. */
  ownStack?: string;
  /** The clock of sessions, samples, agents and the login limit. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface ServerApp {
  app: FastifyInstance;
  ctx: ServerContext;
  /** Ends event streams, waits for running jobs, closes the records. */
  close(): Promise<void>;
}

/** A stack.yaml is at most 1 MiB (as berth generate -f reads it); a JSON body wraps one. */
const BODY_LIMIT = 1024 * 1024 + 4096;

function context(o: AppOptions, readOnly: boolean): ServerContext {
  const log = o.log ?? (() => undefined);
  const bus = new EventBus();
  const jobStore = new JobStore(o.records.db);
  const watcher = new StackWatcher(o.deps, bus, o.pollMs);
  const jobs = new JobRunner({ store: jobStore, deps: o.deps, bus, log, ownStack: o.ownStack });
  const samples = new SampleStore(o.records.db);
  const sampler = new StackSampler({ watcher, store: samples, everyMs: o.sampleMs, now: o.now, log });
  const agents = new AgentHub({ agents: new AgentStore(o.records.db), leases: new LeaseStore(o.records.db), jobs: jobStore, bus, now: o.now, times: o.agentTimes, log });
  const tlsFingerprint = o.https ? new X509Certificate(o.https.cert).fingerprint256 : undefined;
  const overview = new OverviewCache(o.deps, bus, o.stacksCacheMs);
  return { mode: o.mode, readOnly, ...(o.ownStack ? { ownStack: o.ownStack } : {}), deps: o.deps, records: o.records, jobStore, jobs, bus, watcher, samples, sampler, agents, overview, tlsFingerprint, log };
}

/** The dashboard, when it can be served: with sessions signed by the key, or open on a public (read-only) server. */
function dashboardOf(o: AppOptions, ctx: ServerContext): Dashboard | undefined {
  if (!o.secretKey && !o.publicApi) return undefined;
  const now = o.now ?? Date.now;
  const sessions = o.secretKey && !o.publicApi ? new Sessions({ store: new SessionStore(o.records.db), key: o.secretKey, secure: !!o.https, ttlMs: o.sessionTtlMs, now }) : undefined;
  return { ctx, sessions, limiter: new LoginLimiter({ now, ...o.loginLimit }), token: o.token, now };
}

/** Fastify as berth uses it: no logger of its own, a body as large as a stack.yaml, strict bodies. */
function fastify(o: AppOptions): FastifyInstance {
  return Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...(o.https ? { https: o.https } : {}),
    // Unknown fields are refused rather than dropped; query strings are coerced (tail=5).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } },
  }) as unknown as FastifyInstance;
}

/** What every route relies on: YAML bodies, the shared schemas, berth's errors as JSON, and 404s that say where the routes are listed. */
function registerBasics(app: FastifyInstance, o: AppOptions, ctx: ServerContext, dashboard: Dashboard | undefined): void {
  app.addContentTypeParser(['text/yaml', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  for (const s of SHARED) app.addSchema(s);
  app.setErrorHandler((e, req, reply) => {
    const h = httpError(e, o.deps.home);
    if (h.unexpected) ctx.log(`${req.method} ${req.routeOptions.url ?? req.url}: ${h.body.error.message}`);
    return reply.code(h.status).send(h.body);
  });
  app.setNotFoundHandler((req, reply) => {
    if (dashboard && !req.url.startsWith('/api/')) return pageNotFound(dashboard, req, reply);
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}; GET /api/v1/openapi.json lists them` } });
  });
}

/** Access rules, metrics and the OpenAPI document first (they apply to the routes after them), then the API's routes, then the dashboard's pages. */
async function registerRoutes(app: FastifyInstance, o: AppOptions, ctx: ServerContext, dashboard: Dashboard | undefined, streams: Set<() => void>): Promise<void> {
  // Cookies are signed with the key (an unsigned one is never read); forms arrive URL-encoded.
  await app.register(cookie, o.secretKey ? { secret: o.secretKey } : {});
  await app.register(formbody);
  registerAccess(app, { token: o.token, readOnly: ctx.readOnly, publicApi: o.publicApi, publicMetrics: o.publicMetrics, dashboard: !!dashboard, sessions: dashboard?.sessions, agentOf: (c) => ctx.agents.authenticate(c) });
  await registerOpenApi(app, o.mode, ctx.readOnly);
  registerMetrics(app, { deps: o.deps, jobs: ctx.jobStore, watcher: ctx.watcher, agents: ctx.agents });
  registerHealth(app, ctx);
  registerStackRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerAgentApi(app, ctx);
  registerEventRoutes(app, ctx, streams, dashboard?.sessions);
  registerLogFollow(app, ctx, streams);
  if (dashboard) await registerDashboard(app, dashboard);
  else registerDashboardOff(app, o.mode);
}

/** Readies the app and starts what runs beside the requests (sampling, agents' sweep); what stopping ends first. */
async function start(app: FastifyInstance, ctx: ServerContext, streams: Set<() => void>): Promise<void> {
  // Before the socket waits for its connections: an open event stream would keep it waiting forever.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    await ctx.agents.close();
  });
  // Jobs left behind by a previous process of this server cannot be running any more (a read-only server runs none, and leaves them alone).
  const abandoned = ctx.readOnly ? 0 : await ctx.jobStore.failAbandoned(new Date().toISOString());
  if (abandoned) ctx.log(`${abandoned} job(s) a previous run left queued or running are marked failed`);
  await app.ready();
  ctx.sampler.start();
  // A read-only server takes no heartbeats: it has nothing of agents' to sweep.
  if (!ctx.readOnly) ctx.agents.start();
}

export async function buildApp(o: AppOptions): Promise<ServerApp> {
  const app = fastify(o);
  const ctx = context(o, o.mode === 'reporting' || !!o.readOnly);
  const dashboard = dashboardOf(o, ctx);
  const streams = new Set<() => void>();
  registerBasics(app, o, ctx, dashboard);
  await registerRoutes(app, o, ctx, dashboard, streams);
  await start(app, ctx, streams);
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.sampler.stop();
      await ctx.jobs.close();
      await o.records.close();
    },
  };
}
