/** The component registry. Adding a component: one file, plus one line here. */
import type { ComponentDef } from './types.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { mongodb } from './mongodb.js';
import { clickhouse } from './clickhouse.js';
import { qdrant } from './qdrant.js';
import { kafka } from './kafka.js';
import { kafdrop } from './kafdrop.js';
import { influxdb } from './influxdb.js';
import { prometheus } from './prometheus.js';
import { victoriaMetrics } from './victoria-metrics.js';
import { grafana } from './grafana.js';
import { jaeger } from './jaeger.js';
import { otelCollector } from './otel-collector.js';
import { nginx } from './nginx.js';
import { app } from './app.js';
import { worker } from './worker.js';
import { job } from './job.js';
import { web } from './web.js';
import { reporting } from './reporting.js';
import { agent } from './agent.js';

export const COMPONENTS: readonly ComponentDef[] = [
  postgres, redis, mongodb, clickhouse, qdrant, kafka, kafdrop, influxdb,
  prometheus, victoriaMetrics, grafana, jaeger, otelCollector,
  nginx, app, worker, job, web, reporting, agent,
];

const BY_NAME = new Map(COMPONENTS.map((c) => [c.name, c]));

export function findComponent(name: string): ComponentDef | undefined {
  return BY_NAME.get(name);
}

/** Components that collect metrics by scraping (they get a generated prometheus.yml). */
export const COLLECTORS = ['prometheus', 'victoria-metrics'];

/** Every key `images:` accepts: components, their variants, and exporters. */
export function imageKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const c of COMPONENTS) {
    if (c.image) keys.set(c.name, c.image);
    for (const [variant, image] of Object.entries(c.variants ?? {})) keys.set(variant, image);
    if (c.exporter) keys.set(c.exporter.name, c.exporter.image);
  }
  return keys;
}
