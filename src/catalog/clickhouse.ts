import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { text } from '../model/text.js';
import { opt } from '../spec/fields.js';
import { baseService, configMount, volume } from './_base.js';
import { httpGet } from './_health.js';

interface Options {
  database?: string;
  user?: string;
}

const ident = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)'));
const settings = (o: Options) => ({ user: o.user ?? 'app', database: o.database ?? 'app' });

/** config.d override: the Prometheus endpoint and a server memory cap below mem_limit. */
function serverConfig(memoryMiB: number): string {
  const cap = Math.floor(memoryMiB * 0.8) * 1024 * 1024;
  return [
    '<clickhouse>',
    `    <max_server_memory_usage>${cap}</max_server_memory_usage>`,
    '    <prometheus>',
    '        <endpoint>/metrics</endpoint>',
    '        <port>9363</port>',
    '        <metrics>true</metrics>',
    '        <events>true</events>',
    '        <asynchronous_metrics>true</asynchronous_metrics>',
    '    </prometheus>',
    '</clickhouse>',
    '',
  ].join('\n');
}

export const clickhouse: ComponentDef<Options> = {
  name: 'clickhouse',
  summary: 'ClickHouse column store (HTTP 8123, native 9000, Prometheus endpoint 9363)',
  category: 'datastore',
  image: 'clickhouse/clickhouse-server:24.8.14.39',
  port: 8123,
  memory: '2g',
  storage: '20g',
  defaultBind: '127.0.0.1',
  options: {
    database: opt(ident, 'identifier', 'database created on first start', 'app'),
    user: opt(ident, 'identifier', 'user created on first start', 'app'),
  },
  secrets: [{ key: 'password', suffix: 'PASSWORD', kind: 'password', doc: 'password of the user' }],
  offers: [
    { name: 'CLICKHOUSE_URL', doc: 'http://user:password@host:8123/?database=db' },
    { name: 'CLICKHOUSE_HOST', doc: 'host name' },
    { name: 'CLICKHOUSE_PORT', doc: 'HTTP port' },
    { name: 'CLICKHOUSE_NATIVE_PORT', doc: 'native protocol port' },
    { name: 'CLICKHOUSE_DB', doc: 'database' },
    { name: 'CLICKHOUSE_USER', doc: 'user' },
    { name: 'CLICKHOUSE_PASSWORD', doc: 'password' },
  ],
  connection({ host, port, options, secret }) {
    const { user, database } = settings(options);
    return {
      CLICKHOUSE_URL: text`http://${user}:${secret('password')}@${host}:${port}/?database=${database}`,
      CLICKHOUSE_HOST: host,
      CLICKHOUSE_PORT: String(port),
      CLICKHOUSE_NATIVE_PORT: '9000',
      CLICKHOUSE_DB: database,
      CLICKHOUSE_USER: user,
      CLICKHOUSE_PASSWORD: secret('password'),
    };
  },
  build(ctx) {
    const { user, database } = settings(ctx.options);
    const file = `${ctx.service}/config.d/berth.xml`;
    const svc = baseService(ctx, clickhouse, {
      environment: {
        CLICKHOUSE_DB: database,
        CLICKHOUSE_USER: user,
        CLICKHOUSE_PASSWORD: ctx.secret('password'),
        CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1',
      },
      mounts: [volume(`${ctx.service}-data`, '/var/lib/clickhouse'), configMount(file, '/etc/clickhouse-server/config.d/berth.xml')],
      probe: httpGet(8123, '/ping'),
      metrics: { port: 9363, path: '/metrics' },
      // The native protocol (CLICKHOUSE_NATIVE_PORT), beside HTTP.
      serves: [9000],
      stopGraceMs: 30_000,
      ulimits: { nofile: { soft: 262144, hard: 262144 } },
    });
    return { services: [svc], volumes: [`${ctx.service}-data`], files: [{ path: file, content: serverConfig(ctx.memoryMiB), consumers: [ctx.service] }] };
  },
};
