/**
 * What a collector scrapes: each measured service's endpoint, under the job
 * of the service it measures (an exporter's is its target's), and the OTLP
 * metrics an OTel Collector re-exports for Prometheus. Read by
 * render/prometheus.ts; job names checked in resolve (config-checks.ts).
 */
import type { Service } from '../model/service.js';

export interface ScrapeEndpoint {
  service: Service;
  job: string;
  port: number;
  path: string;
}

import { OTLP_REEXPORT_PORT } from '../catalog/otel-collector.js';

export { OTLP_REEXPORT_PORT };

export function scrapeEndpoints(services: Service[]): ScrapeEndpoint[] {
  const measured = services
    .filter((s): s is Service & { metrics: NonNullable<Service['metrics']> } => s.metrics !== undefined && s.role === 'service')
    .map((s) => ({ service: s, job: s.origin.exporterOf ?? s.name, port: s.metrics.port, path: s.metrics.path }));
  const reExported = services.some((s) => s.component === 'victoria-metrics')
    ? []
    : services.filter((s) => s.component === 'otel-collector').map((s) => ({ service: s, job: `${s.name}-otlp`, port: OTLP_REEXPORT_PORT, path: '/metrics' }));
  return [...measured, ...reExported];
}
