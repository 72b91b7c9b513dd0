import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPrometheus } from '../../src/render/prometheus.js';
import { errorOf, resolveYaml } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const jobs = (text: string) => (parse(renderPrometheus(resolveYaml(text))[0]!.content).scrape_configs as { job_name: string }[]);

describe('prometheus targets outside the stack', () => {
  it('become jobs after the stack\'s own, with path and scheme when given', () => {
    const all = jobs(
      lines(
        'services:',
        '  redis: {}',
        '  prometheus:',
        '    targets:',
        '      workers-b: [workers-b.lan:5003, 10.0.0.7:5004]',
        '      edge: {targets: [edge.lan:443], path: /internal/metrics, scheme: https}',
      ),
    );
    expect(all.map((j) => j.job_name)).toEqual(['prometheus', 'redis', 'workers-b', 'edge']);
    expect(all[2]).toEqual({ job_name: 'workers-b', metrics_path: '/metrics', static_configs: [{ targets: ['workers-b.lan:5003', '10.0.0.7:5004'], labels: { service: 'workers-b', component: 'external' } }] });
    expect(all[3]).toMatchObject({ job_name: 'edge', metrics_path: '/internal/metrics', scheme: 'https' });
  });

  it('a target must be host:port', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  prometheus:', '    targets:', '      w: [http://w.lan:5003]')));
    expect(e.message).toMatch(/^services\.prometheus\.targets\.w\.0: .*host:port/);
    expect(errorOf(() => resolveYaml(lines('services:', '  prometheus:', '    targets:', '      w: [w.lan:70000]'))).message).toMatch(/is not host:port \(port 1-65535\)/);
  });

  it('a job name the stack already uses is refused by resolve', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  redis: {}', '  prometheus:', '    targets:', '      redis: [other.lan:9121]')));
    expect(e.message).toBe("services.prometheus.targets.redis: redis is already the scrape job of the stack's service redis; name the job differently");
  });

  it('VictoriaMetrics takes targets only when it scrapes itself', () => {
    expect(jobs(lines('services:', '  victoria-metrics:', '    targets: {w: [w.lan:5003]}')).map((j) => j.job_name)).toEqual(['victoria-metrics', 'w']);
    const e = errorOf(() => resolveYaml(lines('services:', '  prometheus: {}', '  victoria-metrics:', '    targets: {w: [w.lan:5003]}')));
    expect(e.message).toBe('services.victoria-metrics.targets: Prometheus scrapes this stack and writes to victoria-metrics; put the targets on prometheus');
  });
});

describe('the OTel Collector', () => {
  it('is scraped for its own telemetry and for the OTLP metrics it re-exports', () => {
    const all = jobs(lines('services:', '  otel-collector: {}', '  prometheus: {}')) as { job_name: string; static_configs: { targets: string[] }[] }[];
    expect(all.map((j) => [j.job_name, j.static_configs[0]!.targets[0]])).toEqual([
      ['otel-collector', 'otel-collector:8888'],
      ['otel-collector-otlp', 'otel-collector:8889'],
      ['prometheus', 'prometheus:9090'],
    ]);
  });

  it('writes to VictoriaMetrics instead when there is one, so nothing is re-exported', () => {
    expect(jobs(lines('services:', '  otel-collector: {}', '  victoria-metrics: {}')).map((j) => j.job_name)).toEqual(['otel-collector', 'victoria-metrics']);
  });
});
