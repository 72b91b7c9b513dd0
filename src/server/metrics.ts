/**
 * /metrics in Prometheus's text format: requests and their latency by route
 * (the route's pattern, never the URL as sent, so the label set stays small)
 * and status; stacks by state; jobs by state; agents online and offline; and
 * the process's own metrics.
 * Stack states are read when Prometheus scrapes, from the events poller's
 * last look when it is recent; nothing in a metric is a secret.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpsDeps } from '../ops/deps.js';
import { stacksOverview } from '../ops/overview.js';
import type { JobStore } from '../store/records/jobs.js';
import type { StackWatcher } from './events.js';
import type { AgentHub } from './agent-hub.js';

export interface MetricsSources {
  deps: OpsDeps;
  jobs: JobStore;
  watcher: StackWatcher;
  agents: AgentHub;
}

/** A poll at most this old answers a scrape; older, the scrape asks the engine itself. */
const FRESH_MS = 5000;

async function stackCounts(src: MetricsSources): Promise<{ counts: Map<string, number>; engineUp: boolean }> {
  const snap = src.watcher.snapshot();
  const counts = new Map<string, number>();
  if (Date.now() - snap.at < FRESH_MS && snap.engine) {
    for (const s of snap.stacks) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
    return { counts, engineUp: snap.engine.ok };
  }
  const o = await stacksOverview(src.deps);
  for (const s of o.stacks) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return { counts, engineUp: o.engine.ok };
}

type StackLook = Promise<Awaited<ReturnType<typeof stackCounts>> | undefined>;

/** Gauges of state read at each scrape: the engine, stacks by state (from the scrape's one look), jobs and agents. */
function registerStateGauges(registry: Registry, src: MetricsSources, look: () => StackLook): void {
  new Gauge({
    name: 'berth_engine_up',
    help: '1 when the Docker engine answered the last look at the stacks, else 0.',
    registers: [registry],
    async collect() {
      this.set((await look())?.engineUp ? 1 : 0);
    },
  });
  new Gauge({
    name: 'berth_stacks',
    help: 'Stacks on this host by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [state, n] of (await look())?.counts ?? []) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'berth_jobs',
    help: 'Jobs the server has recorded, by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      for (const [state, n] of Object.entries(await src.jobs.countByState())) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'berth_agents',
    help: 'Enrolled agents that are not revoked, by whether they are online.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const live = (await src.agents.list()).filter((a) => !a.revokedAt);
      this.set({ state: 'online' }, live.filter((a) => a.online).length);
      this.set({ state: 'offline' }, live.filter((a) => !a.online).length);
    },
  });
}

export function registerMetrics(app: FastifyInstance, src: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'berth_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'berth_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status.',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // One look at the stacks per scrape, shared by the two gauges that read it.
  let look: StackLook = Promise.resolve(undefined);
  registerStateGauges(registry, src, () => look);
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
  const schema = {
    summary: 'Prometheus metrics (text format)',
    description: 'Needs the token unless the server was started with --public-metrics.',
    tags: ['server'],
    produces: ['text/plain'],
    response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
  };
  app.get('/metrics', { schema }, async (_req, reply) => {
    look = stackCounts(src).catch(() => undefined);
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  return registry;
}
