import type { ComponentDef } from './types.js';
import { text } from '../model/text.js';
import { baseService, volume } from './_base.js';
import { cmd, SLOW } from './_health.js';
import { goMemLimit } from './_memory.js';

export const mongodb: ComponentDef<Record<string, never>> = {
  name: 'mongodb',
  summary: 'MongoDB document database (root user, WiredTiger cache sized from the limit)',
  category: 'datastore',
  image: 'mongo:7.0.15',
  port: 27017,
  memory: '1g',
  storage: '10g',
  minMemory: { size: '512m', why: "WiredTiger's smallest cache is 256 MiB" },
  defaultBind: '127.0.0.1',
  options: {},
  secrets: [{ key: 'password', suffix: 'PASSWORD', kind: 'password', doc: 'password of the root user', initOnly: true }],
  offers: [
    { name: 'MONGODB_URL', doc: 'mongodb://root:password@host:port/?authSource=admin' },
    { name: 'MONGODB_HOST', doc: 'host name' },
    { name: 'MONGODB_PORT', doc: 'port' },
    { name: 'MONGODB_USER', doc: 'user' },
    { name: 'MONGODB_PASSWORD', doc: 'password' },
  ],
  connection: ({ host, port, secret }) => ({
    MONGODB_URL: text`mongodb://root:${secret('password')}@${host}:${port}/?authSource=admin`,
    MONGODB_HOST: host,
    MONGODB_PORT: String(port),
    MONGODB_USER: 'root',
    MONGODB_PASSWORD: secret('password'),
  }),
  exporter: {
    name: 'mongodb-exporter',
    image: 'percona/mongodb_exporter:0.43.1',
    port: 9216,
    build: (ctx, image) => ({
      image,
      command: ['--collect-all', '--compatible-mode'],
      environment: { MONGODB_URI: text`mongodb://root:${ctx.secret('password')}@${ctx.service}:27017/?authSource=admin`, GOMEMLIMIT: goMemLimit(64) },
      ports: [],
      mounts: [],
      // FROM scratch: no shell or wget for a probe.
      dependsOn: { [ctx.service]: 'ready' },
      metrics: { port: 9216, path: '/metrics' },
    }),
  },
  build(ctx) {
    // WiredTiger cache at 40% of the limit (MongoDB's own default, 50% of host RAM minus 1 GB, ignores mem_limit).
    const cacheGB = Math.max(0.25, Math.round((ctx.memoryMiB / 1024) * 0.4 * 100) / 100);
    const svc = baseService(ctx, mongodb, {
      command: ['mongod', '--wiredTigerCacheSizeGB', String(cacheGB), '--bind_ip_all'],
      environment: { MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: ctx.secret('password') },
      mounts: [volume(`${ctx.service}-data`, '/data/db'), volume(`${ctx.service}-config`, '/data/configdb', 100)],
      // mongosh is a Node program: probe less often than the cheap checks.
      stopGraceMs: 30_000,
      probe: cmd(['mongosh', '--quiet', '--norc', '--eval', "quit(db.adminCommand('ping').ok ? 0 : 1)"], SLOW),
    });
    return { services: [svc], volumes: [`${ctx.service}-data`, `${ctx.service}-config`] };
  },
};
