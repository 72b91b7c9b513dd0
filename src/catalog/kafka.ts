import * as v from 'valibot';
import type { ComponentDef } from './types.js';
import { opt, positive } from '../spec/fields.js';
import { baseService, volume } from './_base.js';
import { httpGet, shell, SLOW } from './_health.js';
import { goMemLimit, jvmOpts } from './_memory.js';
import { hostAddress } from '../util/names.js';

interface Options {
  partitions?: number;
  autoCreateTopics?: boolean;
  retention?: string;
  advertisedHost?: string;
}

export const kafka: ComponentDef<Options> = {
  name: 'kafka',
  summary: 'Apache Kafka, single node in KRaft mode (no ZooKeeper); JVM heap sized from the limit',
  category: 'messaging',
  image: 'apache/kafka:3.9.0',
  port: 9094,
  clientPort: 9092,
  memory: '1280m',
  storage: '20g',
  minMemory: { size: '256m', why: 'the JVM needs a heap of at least 64 MiB and as much again beside it' },
  defaultBind: '127.0.0.1',
  options: {
    partitions: opt(positive, 'number', 'default partitions of new topics', '3'),
    autoCreateTopics: opt(v.boolean('must be true or false'), 'boolean', 'create topics on first use', 'true'),
    retention: opt(v.pipe(v.string(), v.regex(/^\d+h$/, 'must be hours like 168h')), 'hours', 'log retention, e.g. 168h', '168h'),
    advertisedHost: opt(
      v.pipe(v.string(), v.regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a host name or IP address clients outside the stack reach this host by')),
      'host',
      'name clients outside the stack use for the published port (Kafka sends it back to them)',
      'localhost, or this host\'s bind address',
    ),
  },
  secrets: [{ key: 'clusterId', suffix: 'CLUSTER_ID', kind: 'id', doc: 'KRaft cluster id (kept stable: the data volume is bound to it)' }],
  offers: [{ name: 'KAFKA_BOOTSTRAP_SERVERS', doc: 'host:9092' }],
  connection: ({ host, port }) => ({ KAFKA_BOOTSTRAP_SERVERS: `${host}:${port}` }),
  exporter: {
    name: 'kafka-exporter',
    image: 'danielqsj/kafka-exporter:v1.8.0',
    port: 9308,
    build: (ctx, image) => ({
      image,
      command: [`--kafka.server=${ctx.service}:9092`],
      environment: { GOMEMLIMIT: goMemLimit(64) },
      ports: [],
      mounts: [],
      dependsOn: { [ctx.service]: 'ready' },
      probe: httpGet(9308, '/', SLOW),
      metrics: { port: 9308, path: '/metrics' },
    }),
  },
  build(ctx) {
    const o = ctx.options;
    const host = ctx.service;
    const published = typeof o.port === 'number' ? o.port : undefined;
    // In-network clients use PLAINTEXT on 9092; when published, host clients use EXTERNAL via the host port.
    const listeners = ['PLAINTEXT://:9092', 'CONTROLLER://:9093', ...(published ? ['EXTERNAL://:9094'] : [])];
    // Kafka hands clients this address to reconnect to: it must be one they reach the broker by.
    const bound = o.bind && !['0.0.0.0', '::', '127.0.0.1'].includes(o.bind) ? hostAddress(o.bind) : undefined;
    const external = o.advertisedHost ?? bound ?? 'localhost';
    const advertised = [`PLAINTEXT://${host}:9092`, ...(published ? [`EXTERNAL://${external}:${published}`] : [])];
    const hours = Number((o.retention ?? '168h').replace('h', ''));
    const svc = baseService(ctx, kafka, {
      environment: {
        CLUSTER_ID: ctx.secret('clusterId'),
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: listeners.join(','),
        KAFKA_ADVERTISED_LISTENERS: advertised.join(','),
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: `1@${host}:9093`,
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_NUM_PARTITIONS: String(o.partitions ?? 3),
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: String(o.autoCreateTopics ?? true),
        KAFKA_LOG_RETENTION_HOURS: String(hours),
        KAFKA_LOG_DIRS: '/var/lib/kafka/data',
        KAFKA_HEAP_OPTS: jvmOpts(ctx.memoryMiB),
      },
      mounts: [volume(`${ctx.service}-data`, '/var/lib/kafka/data')],
      // The probe is a JVM too: give it a small heap of its own, not the broker's.
      probe: shell("KAFKA_HEAP_OPTS='-Xmx64m' /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null 2>&1", SLOW),
      stopGraceMs: 30_000,
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
