import type { ComponentDef } from './types.js';
import { UsageError } from '../errors.js';
import { duration, opt } from '../spec/fields.js';
import { baseService, configMount, volume } from './_base.js';
import { httpGet } from './_health.js';
import { extraScrapes, targetsOption } from './_scrape.js';

interface Options {
  retention?: string;
  scrapeInterval?: string;
  targets?: Record<string, unknown>;
}

export const victoriaMetrics: ComponentDef<Options> = {
  name: 'victoria-metrics',
  summary: 'VictoriaMetrics single node; scrapes the stack itself when there is no Prometheus, else receives its remote write',
  category: 'observability',
  image: 'victoriametrics/victoria-metrics:v1.106.1',
  port: 8428,
  memory: '256m',
  storage: '20g',
  options: {
    retention: opt(duration, 'duration', 'how long samples are kept (e.g. 30d, 12w, 1y)', '30d'),
    scrapeInterval: opt(duration, 'duration', 'scrape interval when it scrapes itself', '15s'),
    targets: targetsOption,
  },
  optInUse: true,
  offers: [{ name: 'VICTORIA_METRICS_URL', doc: 'http://host:8428 (Prometheus query API and remote write at /api/v1/write)' }],
  connection: ({ host, port }) => ({ VICTORIA_METRICS_URL: `http://${host}:${port}` }),
  build(ctx) {
    const scrapes = !ctx.stack.has('prometheus');
    if (!scrapes && ctx.options.targets) {
      throw new UsageError(`services.${ctx.service}.targets: Prometheus scrapes this stack and writes to ${ctx.service}; put the targets on prometheus`);
    }
    const file = `${ctx.service}/prometheus.yml`;
    const svc = baseService(ctx, victoriaMetrics, {
      command: [
        '-storageDataPath=/storage',
        `-retentionPeriod=${ctx.options.retention ?? '30d'}`,
        '-httpListenAddr=:8428',
        '-memory.allowedPercent=60',
        ...(scrapes ? ['-promscrape.config=/etc/victoria-metrics/prometheus.yml'] : []),
      ],
      mounts: [volume(`${ctx.service}-data`, '/storage'), ...(scrapes ? [configMount(file, '/etc/victoria-metrics/prometheus.yml')] : [])],
      probe: httpGet(8428, '/health'),
      metrics: { port: 8428, path: '/metrics' },
      config: scrapes ? { kind: 'scrape', scrapeInterval: ctx.options.scrapeInterval ?? '15s', file, targets: extraScrapes(ctx.options.targets) } : undefined,
    });
    return { services: [svc], volumes: [`${ctx.service}-data`] };
  },
};

