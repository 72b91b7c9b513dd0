/**
 * A berth server as a Fastify app, without listening: what `berth serve`
 * starts and what tests call in-process. Access rules, errors, metrics and
 * the OpenAPI document are registered before the routes they apply to.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { OpsDeps } from '../ops/deps.js';
import type { RecordsDb } from '../store/records/db.js';
import { JobStore } from '../store/records/jobs.js';
import { registerAccess, type AccessPolicy } from './auth.js';
import type { ServerContext, ServerMode } from './context.js';
import { EventBus, StackWatcher } from './events.js';
import { httpError } from './http-errors.js';
import { JobRunner } from './jobs.js';
import { registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealth } from './routes/health.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerStackRoutes } from './routes/stacks.js';
import { SHARED } from './schemas.js';

export interface AppOptions extends Omit<AccessPolicy, 'readOnly'> {
  mode: ServerMode;
  /** Read-only even in web mode (BERTH_READ_ONLY=true); reporting always is. */
  readOnly?: boolean;
  deps: OpsDeps;
  records: RecordsDb;
  https?: { cert: string; key: string };
  /** How often stack states are polled while someone listens to the events. */
  pollMs?: number;
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

export async function buildApp(o: AppOptions): Promise<ServerApp> {
  const readOnly = o.mode === 'reporting' || !!o.readOnly;
  const log = o.log ?? (() => undefined);
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...(o.https ? { https: o.https } : {}),
    // Unknown fields are refused rather than dropped; query strings are coerced (tail=5).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } },
  }) as unknown as FastifyInstance;
  const bus = new EventBus();
  const jobStore = new JobStore(o.records.db);
  const watcher = new StackWatcher(o.deps, bus, o.pollMs);
  const jobs = new JobRunner({ store: jobStore, deps: o.deps, bus, log });
  const ctx: ServerContext = { mode: o.mode, readOnly, deps: o.deps, records: o.records, jobStore, jobs, bus, watcher, log };
  const streams = new Set<() => void>();

  app.addContentTypeParser(['text/yaml', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  for (const s of SHARED) app.addSchema(s);
  app.setErrorHandler((e, req, reply) => {
    const h = httpError(e, o.deps.home);
    if (h.unexpected) log(`${req.method} ${req.routeOptions.url ?? req.url}: ${h.body.error.message}`);
    return reply.code(h.status).send(h.body);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}; GET /api/v1/openapi.json lists them` } }));
  registerAccess(app, { token: o.token, readOnly, publicApi: o.publicApi, publicMetrics: o.publicMetrics });
  await registerOpenApi(app, o.mode, readOnly);
  registerMetrics(app, { deps: o.deps, jobs: jobStore, watcher });
  registerHealth(app, ctx);
  registerStackRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerEventRoutes(app, ctx, streams);
  app.addHook('onClose', async () => {
    for (const end of [...streams]) end();
  });
  // Jobs left behind by a previous process of this server cannot be running any more (a read-only server runs none, and leaves them alone).
  const abandoned = readOnly ? 0 : await jobStore.failAbandoned(new Date().toISOString());
  if (abandoned) log(`${abandoned} job(s) a previous run left queued or running are marked failed`);
  await app.ready();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await jobs.close();
      await o.records.close();
    },
  };
}
