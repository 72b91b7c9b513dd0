import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { opt } from '../spec/fields.js';
import { baseService, volume } from './_base.js';
import { shell } from './_health.js';

interface Options {
  apiKey?: boolean;
}

export const qdrant: ComponentDef<Options> = {
  name: 'qdrant',
  summary: 'Qdrant vector database (REST 6333, gRPC 6334, API key)',
  category: 'datastore',
  image: 'qdrant/qdrant:v1.12.5',
  port: 6333,
  memory: '1g',
  storage: '10g',
  defaultBind: '127.0.0.1',
  options: {
    apiKey: opt(
      v.boolean('must be true or false'),
      'boolean',
      'require an API key on every request; Qdrant then guards /metrics too, so it is scraped only without a key',
      'true',
    ),
  },
  secrets: [{ key: 'apiKey', suffix: 'API_KEY', kind: 'token', doc: 'API key required on every request', when: (o) => o.apiKey !== false }],
  offers: [
    { name: 'QDRANT_URL', doc: 'http://host:6333' },
    { name: 'QDRANT_HOST', doc: 'host name' },
    { name: 'QDRANT_PORT', doc: 'REST port' },
    { name: 'QDRANT_GRPC_PORT', doc: 'gRPC port' },
    { name: 'QDRANT_API_KEY', doc: 'API key (when apiKey is on)' },
  ],
  connection: ({ host, port, options, secret }) => ({
    QDRANT_URL: `http://${host}:${port}`,
    QDRANT_HOST: host,
    QDRANT_PORT: String(port),
    QDRANT_GRPC_PORT: '6334',
    ...(options.apiKey === false ? {} : { QDRANT_API_KEY: secret('apiKey') }),
  }),
  build(ctx) {
    const keyed = ctx.options.apiKey !== false;
    const svc = baseService(ctx, qdrant, {
      environment: { QDRANT__TELEMETRY_DISABLED: 'true', ...(keyed ? { QDRANT__SERVICE__API_KEY: ctx.secret('apiKey') } : {}) },
      mounts: [volume(`${ctx.service}-data`, '/qdrant/storage')],
      // The image has bash but neither curl nor wget; /readyz needs no key.
      probe: shell(
        "bash -c 'exec 3<>/dev/tcp/127.0.0.1/6333 && printf \"GET /readyz HTTP/1.0\\r\\n\\r\\n\" >&3 && head -n1 <&3 | grep -q \" 200 \"'",
      ),
      metrics: keyed ? undefined : { port: 6333, path: '/metrics' },
      // gRPC (QDRANT_GRPC_PORT), beside HTTP.
      serves: [6334],
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
