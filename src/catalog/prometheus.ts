import type { ComponentDef } from './types.js';
import { duration, opt } from '../spec/fields.js';
import { baseService, configMount, volume } from './_base.js';
import { httpGet } from './_health.js';
import { extraScrapes, targetsOption } from './_scrape.js';
import { goMemLimit } from './_memory.js';

interface Options {
  retention?: string;
  scrapeInterval?: string;
  targets?: Record<string, unknown>;
}

export const prometheus: ComponentDef<Options> = {
  name: 'prometheus',
  summary: 'Prometheus; scrapes every service of the stack that has metrics (directly or via an exporter)',
  category: 'observability',
  image: 'prom/prometheus:v2.55.1',
  port: 9090,
  memory: '512m',
  storage: '10g',
  options: {
    retention: opt(duration, 'duration', 'how long samples are kept', '15d'),
    scrapeInterval: opt(duration, 'duration', 'scrape and rule evaluation interval', '15s'),
    targets: targetsOption,
  },
  optInUse: true,
  offers: [{ name: 'PROMETHEUS_URL', doc: 'http://host:9090' }],
  connection: ({ host, port }) => ({ PROMETHEUS_URL: `http://${host}:${port}` }),
  build(ctx) {
    const svc = baseService(ctx, prometheus, {
      command: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${ctx.options.retention ?? '15d'}`,
        '--web.enable-lifecycle',
      ],
      environment: { GOMEMLIMIT: goMemLimit(ctx.memoryMiB) },
      mounts: [volume(`${ctx.service}-data`, '/prometheus'), configMount(`${ctx.service}/prometheus.yml`, '/etc/prometheus/prometheus.yml')],
      probe: httpGet(9090, '/-/ready'),
      metrics: { port: 9090, path: '/metrics' },
      config: { kind: 'scrape', scrapeInterval: ctx.options.scrapeInterval ?? '15s', file: `${ctx.service}/prometheus.yml`, targets: extraScrapes(ctx.options.targets) },
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};
