import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { text } from '../model/text.js';
import { opt } from '../spec/fields.js';
import { baseService, volume } from './_base.js';
import { httpGet, shell, SLOW } from './_health.js';
import { goMemLimit } from './_memory.js';

interface Options {
  persistence?: 'aof' | 'rdb' | 'none';
  evictionPolicy?: string;
}

const POLICIES = ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'] as const;

export const redis: ComponentDef<Options> = {
  name: 'redis',
  summary: 'Redis in-memory store (password, maxmemory sized from the limit)',
  category: 'datastore',
  image: 'redis:7.4.3-bookworm',
  port: 6379,
  memory: '300m',
  storage: '2g',
  minMemory: { size: '32m', why: 'maxmemory is at least 8 MiB and the server needs room beside it' },
  defaultBind: '127.0.0.1',
  options: {
    persistence: opt(v.picklist(['aof', 'rdb', 'none'], 'must be aof, rdb or none'), 'aof | rdb | none', 'durability: append-only file, snapshots, or none (a pure cache)', 'aof'),
    evictionPolicy: opt(v.picklist(POLICIES, `must be one of ${POLICIES.join(', ')}`), 'policy', 'maxmemory-policy', 'noeviction with aof/rdb, allkeys-lru with none'),
  },
  secrets: [{ key: 'password', suffix: 'PASSWORD', kind: 'password', doc: 'requirepass' }],
  offers: [
    { name: 'REDIS_URL', doc: 'redis://:password@host:port/0' },
    { name: 'REDIS_HOST', doc: 'host name' },
    { name: 'REDIS_PORT', doc: 'port' },
    { name: 'REDIS_PASSWORD', doc: 'password' },
  ],
  connection: ({ host, port, secret }) => ({
    REDIS_URL: text`redis://:${secret('password')}@${host}:${port}/0`,
    REDIS_HOST: host,
    REDIS_PORT: String(port),
    REDIS_PASSWORD: secret('password'),
  }),
  exporter: {
    name: 'redis-exporter',
    image: 'oliver006/redis_exporter:v1.67.0-alpine',
    port: 9121,
    build: (ctx, image) => ({
      image,
      environment: { REDIS_ADDR: `redis://${ctx.service}:6379`, REDIS_PASSWORD: ctx.secret('password'), GOMEMLIMIT: goMemLimit(64) },
      ports: [],
      mounts: [],
      dependsOn: { [ctx.service]: 'ready' },
      probe: httpGet(9121, '/', SLOW),
      metrics: { port: 9121, path: '/metrics' },
    }),
  },
  build(ctx) {
    const persistence = ctx.options.persistence ?? 'aof';
    const policy = ctx.options.evictionPolicy ?? (persistence === 'none' ? 'allkeys-lru' : 'noeviction');
    // maxmemory at 85% of the limit leaves room for buffers and the fork on save.
    const maxmemory = Math.max(8, Math.floor(ctx.memoryMiB * 0.85));
    const durability =
      persistence === 'aof' ? ['--appendonly', 'yes'] : persistence === 'rdb' ? ['--appendonly', 'no', '--save', '3600 1 300 100 60 10000'] : ['--appendonly', 'no', '--save', ''];
    const svc = baseService(ctx, redis, {
      command: ['redis-server', '--requirepass', ctx.secret('password'), '--maxmemory', `${maxmemory}mb`, '--maxmemory-policy', policy, ...durability, '--dir', '/data'],
      environment: { REDISCLI_AUTH: ctx.secret('password') },
      mounts: [volume(`${ctx.service}-data`, '/data')],
      probe: shell('redis-cli ping | grep -q PONG'),
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
