import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { text } from '../model/text.js';
import { opt, positive } from '../spec/fields.js';
import { baseService, volume } from './_base.js';
import { cmd, httpGet, SLOW } from './_health.js';
import { goMemLimit } from './_memory.js';

interface Options {
  variant?: 'postgres' | 'timescaledb';
  database?: string;
  user?: string;
  maxConnections?: number;
}

const ident = v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier (letters, digits, _)'));

const settings = (o: Options) => ({ user: o.user ?? 'app', database: o.database ?? 'app' });

export const postgres: ComponentDef<Options> = {
  name: 'postgres',
  summary: 'PostgreSQL database (variant timescaledb: with TimescaleDB)',
  category: 'datastore',
  image: 'postgres:17.5-bookworm',
  variants: { timescaledb: 'timescale/timescaledb:2.19.3-pg17' },
  port: 5432,
  memory: '1g',
  storage: '10g',
  minMemory: { size: '64m', why: 'shared_buffers is at least 16 MiB and every connection needs its own memory' },
  defaultBind: '127.0.0.1',
  options: {
    variant: opt(v.picklist(['postgres', 'timescaledb'], 'must be postgres or timescaledb'), 'postgres | timescaledb', 'image flavour', 'postgres'),
    database: opt(ident, 'identifier', 'database created on first start', 'app'),
    user: opt(ident, 'identifier', 'role that owns the database', 'app'),
    maxConnections: opt(positive, 'number', 'max_connections', '100'),
  },
  secrets: [{ key: 'password', suffix: 'PASSWORD', kind: 'password', doc: 'password of the owner role', initOnly: true }],
  offers: [
    { name: 'DATABASE_URL', doc: 'postgresql://user:password@host:port/database' },
    { name: 'POSTGRES_HOST', doc: 'host name' },
    { name: 'POSTGRES_PORT', doc: 'port' },
    { name: 'POSTGRES_DB', doc: 'database' },
    { name: 'POSTGRES_USER', doc: 'role' },
    { name: 'POSTGRES_PASSWORD', doc: 'password' },
  ],
  connection({ host, port, options, secret }) {
    const { user, database } = settings(options);
    return {
      DATABASE_URL: text`postgresql://${user}:${secret('password')}@${host}:${port}/${database}`,
      POSTGRES_HOST: host,
      POSTGRES_PORT: String(port),
      POSTGRES_DB: database,
      POSTGRES_USER: user,
      POSTGRES_PASSWORD: secret('password'),
    };
  },
  exporter: {
    name: 'postgres-exporter',
    image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
    port: 9187,
    build(ctx, image) {
      const { user, database } = settings(ctx.options);
      return {
        image,
        environment: {
          DATA_SOURCE_URI: `${ctx.service}:5432/${database}?sslmode=disable`,
          DATA_SOURCE_USER: user,
          DATA_SOURCE_PASS: ctx.secret('password'),
          GOMEMLIMIT: goMemLimit(64),
        },
        ports: [],
        mounts: [],
        dependsOn: { [ctx.service]: 'ready' },
        // The landing page: /metrics would query the database on every probe.
        probe: httpGet(9187, '/', SLOW),
        metrics: { port: 9187, path: '/metrics' },
      };
    },
  },
  build(ctx) {
    const { user, database } = settings(ctx.options);
    const mem = ctx.memoryMiB;
    // Sized from mem_limit: shared_buffers 25%, effective_cache_size 50%, maintenance_work_mem ~6%.
    const command = [
      'postgres',
      '-c', `shared_buffers=${Math.max(16, Math.floor(mem / 4))}MB`,
      '-c', `effective_cache_size=${Math.max(32, Math.floor(mem / 2))}MB`,
      '-c', `maintenance_work_mem=${Math.max(8, Math.floor(mem / 16))}MB`,
      '-c', `max_connections=${ctx.options.maxConnections ?? 100}`,
    ];
    const svc = baseService(ctx, postgres, {
      command,
      environment: { POSTGRES_USER: user, POSTGRES_PASSWORD: ctx.secret('password'), POSTGRES_DB: database },
      mounts: [volume(`${ctx.service}-data`, '/var/lib/postgresql/data')],
      // TCP, not the socket: during first-start init the server listens on the socket only.
      probe: cmd(['pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', user, '-d', database]),
      // Parallel queries use /dev/shm (64 MiB by default); a smart shutdown needs more than 10 s.
      shmMiB: 256,
      stopGraceMs: 30_000,
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
