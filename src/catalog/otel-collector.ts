import type { ComponentDef } from './types.js';
import { baseService, configMount } from './_base.js';

/** The port the collector serves the OTLP metrics it receives on, when there is no VictoriaMetrics to write them to (render/otel.ts). */
export const OTLP_REEXPORT_PORT = 8889;

export const otelCollector: ComponentDef<Record<string, never>> = {
  name: 'otel-collector',
  summary: 'OpenTelemetry Collector (contrib): OTLP in, traces to Jaeger, metrics to Prometheus/VictoriaMetrics, Kafka metrics when Kafka is present',
  category: 'observability',
  optional: true,
  image: 'otel/opentelemetry-collector-contrib:0.116.1',
  port: 4318,
  memory: '192m',
  options: {},
  offers: [
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', doc: 'http://host:4317 (OTLP gRPC)' },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', doc: 'grpc' },
  ],
  connection: ({ host }) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://${host}:4317`, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
  build(ctx) {
    const file = `${ctx.service}/config.yaml`;
    const svc = baseService(ctx, otelCollector, {
      command: ['--config=/etc/otelcol-contrib/config.yaml'],
      mounts: [configMount(file, '/etc/otelcol-contrib/config.yaml')],
      // The image is distroless (no shell, no wget): no in-container probe is possible;
      // the health_check extension on 13133 is there for external probes.
      metrics: { port: 8888, path: '/metrics' },
      // OTLP over gRPC, and the OTLP metrics re-exported for Prometheus (resolve/scrape.ts).
      serves: [4317, OTLP_REEXPORT_PORT],
      config: { kind: 'otel', file, memoryLimitMiB: Math.max(32, Math.floor(ctx.memoryMiB * 0.8)) },
    });
    return { services: [svc] };
  },
};
