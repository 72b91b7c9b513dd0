import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { opt, duration } from '../spec/fields.js';
import { baseService, volume } from './_base.js';
import { cmd } from './_health.js';
import { goMemLimit } from './_memory.js';

interface Options {
  org?: string;
  bucket?: string;
  retention?: string | 0;
}

const word = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a simple name (letters, digits, . _ -)'));
const settings = (o: Options) => ({ org: o.org ?? 'berth', bucket: o.bucket ?? 'metrics' });

export const influxdb: ComponentDef<Options> = {
  name: 'influxdb',
  summary: 'InfluxDB 2 time-series database (org, bucket and admin token set up on first start)',
  category: 'observability',
  image: 'influxdb:2.7.12',
  port: 8086,
  memory: '512m',
  storage: '10g',
  defaultBind: '127.0.0.1',
  options: {
    org: opt(word, 'name', 'organisation created on first start', 'berth'),
    bucket: opt(word, 'name', 'bucket created on first start', 'metrics'),
    retention: opt(v.union([duration, v.literal(0), v.literal('0')], 'must be a duration like 30d, or 0 to keep forever'), 'duration | 0', 'bucket retention (0 keeps forever)', '30d'),
  },
  secrets: [
    { key: 'password', suffix: 'PASSWORD', kind: 'password', doc: 'password of the admin user', initOnly: true },
    { key: 'token', suffix: 'TOKEN', kind: 'token', doc: 'admin API token', initOnly: true },
  ],
  offers: [
    { name: 'INFLUXDB_URL', doc: 'http://host:8086' },
    { name: 'INFLUXDB_TOKEN', doc: 'API token' },
    { name: 'INFLUXDB_ORG', doc: 'organisation' },
    { name: 'INFLUXDB_BUCKET', doc: 'bucket' },
  ],
  connection({ host, port, options, secret }) {
    const { org, bucket } = settings(options);
    return { INFLUXDB_URL: `http://${host}:${port}`, INFLUXDB_TOKEN: secret('token'), INFLUXDB_ORG: org, INFLUXDB_BUCKET: bucket };
  },
  build(ctx) {
    const { org, bucket } = settings(ctx.options);
    const svc = baseService(ctx, influxdb, {
      environment: {
        DOCKER_INFLUXDB_INIT_MODE: 'setup',
        DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
        DOCKER_INFLUXDB_INIT_PASSWORD: ctx.secret('password'),
        DOCKER_INFLUXDB_INIT_ORG: org,
        DOCKER_INFLUXDB_INIT_BUCKET: bucket,
        DOCKER_INFLUXDB_INIT_RETENTION: String(ctx.options.retention ?? '30d'),
        DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: ctx.secret('token'),
        INFLUXD_REPORTING_DISABLED: 'true',
        // The write cache at a quarter of the limit; the Go heap soft-capped below it.
        INFLUXD_STORAGE_CACHE_MAX_MEMORY_SIZE: String(Math.floor(ctx.memoryMiB / 4) * 1024 * 1024),
        GOMEMLIMIT: goMemLimit(ctx.memoryMiB),
      },
      mounts: [volume(`${ctx.service}-data`, '/var/lib/influxdb2'), volume(`${ctx.service}-config`, '/etc/influxdb2', 100)],
      probe: cmd(['influx', 'ping']),
      metrics: { port: 8086, path: '/metrics' },
    });
    return { services: [svc], volumes: [`${ctx.service}-data`, `${ctx.service}-config`] };
  },
};
