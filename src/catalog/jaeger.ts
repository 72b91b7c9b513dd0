import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { opt, port } from '../spec/fields.js';
import { baseService } from './_base.js';
import { httpGet } from './_health.js';
import { goMemLimit } from './_memory.js';

interface Options {
  otlpPort?: number | false;
}

export const jaeger: ComponentDef<Options> = {
  name: 'jaeger',
  summary: 'Jaeger all-in-one tracing (UI 16686, OTLP 4317/4318), in-memory storage bounded by the limit',
  category: 'observability',
  optional: true,
  image: 'jaegertracing/all-in-one:1.76.0',
  port: 16686,
  memory: '256m',
  options: {
    otlpPort: opt(v.union([port, v.literal(false)], 'is not a port (1-65535) or false'), 'port | false', 'host port to publish OTLP gRPC (4317) on, for tracers on other hosts', 'not published'),
  },
  supersededBy: ['otel-collector'],
  offers: [
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', doc: 'http://host:4317 (OTLP gRPC)' },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', doc: 'grpc' },
  ],
  connection: ({ host }) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://${host}:4317`, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
  build(ctx) {
    const svc = baseService(ctx, jaeger, {
      environment: {
        COLLECTOR_OTLP_ENABLED: 'true',
        SPAN_STORAGE_TYPE: 'memory',
        // Roughly 100 traces per MiB keeps the in-memory store inside mem_limit.
        MEMORY_MAX_TRACES: String(Math.max(1000, ctx.memoryMiB * 100)),
        GOMEMLIMIT: goMemLimit(ctx.memoryMiB),
      },
      ports: [
        ...(typeof ctx.options.port === 'number' ? [{ host: ctx.options.port, container: 16686, bind: ctx.options.bind ?? '0.0.0.0' }] : []),
        ...(typeof ctx.options.otlpPort === 'number' ? [{ host: ctx.options.otlpPort, container: 4317, bind: ctx.options.bind ?? '0.0.0.0' }] : []),
      ],
      probe: httpGet(14269, '/'),
      metrics: { port: 14269, path: '/metrics' },
      // OTLP over gRPC and HTTP, from the stack's tracers.
      serves: [4317, 4318],
    });
    return { services: [svc] };
  },
};
