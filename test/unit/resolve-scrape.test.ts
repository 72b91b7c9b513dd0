import { describe, expect, it } from 'vitest';
import { scrapeEndpoints } from '../../src/resolve/scrape.js';
import { resolveYaml } from './_resolve.js';

const jobs = (yaml: string) => scrapeEndpoints(resolveYaml(yaml).services).map((e) => [e.job, e.service.name, e.port, e.path]);

describe('what a collector scrapes', () => {
  it('each measured service, an exporter under its target\'s job', () => {
    expect(jobs('services:\n  postgres: {}\n  prometheus: {}\n')).toEqual([
      ['postgres', 'postgres-exporter', 9187, '/metrics'],
      ['prometheus', 'prometheus', 9090, '/metrics'],
    ]);
  });

  it('what the OTel Collector re-exports, unless VictoriaMetrics takes it', () => {
    expect(jobs('services:\n  otel-collector: {}\n  prometheus: {}\n')).toContainEqual(['otel-collector-otlp', 'otel-collector', 8889, '/metrics']);
    expect(jobs('services:\n  otel-collector: {}\n  victoria-metrics: {}\n').map(([job]) => job)).toEqual(['otel-collector', 'victoria-metrics']);
  });
});
