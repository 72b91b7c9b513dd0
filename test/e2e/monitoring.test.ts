/** Scenario 6: a real Prometheus scrapes the stack's targets, directly and through exporters. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort, until } from './harness.js';

const engine = inject('engine');

interface Target {
  labels: { job: string; service: string };
  health: string;
  scrapeUrl: string;
}

describe.skipIf(!engine)('monitoring', () => {
  let sb: Sandbox;
  let name: string;
  let promPort: number;
  beforeAll(async () => {
    sb = new Sandbox();
    name = sb.name('mon');
    promPort = await freePort();
    await sb.generate(
      name,
      `
services:
  postgres: {}
  redis: {}
  app:
    component: app
    image: berth-test/app:latest
    health: /health
    metrics: /metrics
  prometheus:
    port: ${promPort}
    scrapeInterval: 2s
`,
    );
    const up = await sb.berth(['up', name]);
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(async () => sb?.cleanup());

  it('reports every target up in /api/v1/targets', async () => {
    const targets = await until(
      'every target to be up',
      async () => {
        const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`);
        const body = (await r.json()) as { data: { activeTargets: Target[] } };
        const t = body.data.activeTargets;
        return t.length === 4 && t.every((x) => x.health === 'up') ? t : undefined;
      },
      90_000,
    );
    expect(targets.map((t) => t.labels.job).sort()).toEqual(['app', 'postgres', 'prometheus', 'redis']);
    const urls = Object.fromEntries(targets.map((t) => [t.labels.job, t.scrapeUrl]));
    expect(urls.postgres).toBe('http://postgres-exporter:9187/metrics');
    expect(urls.redis).toBe('http://redis-exporter:9121/metrics');
    expect(urls.app).toBe('http://app:8000/metrics');
    // The exporters really reach their datastores (with the generated passwords).
    const q = async (expr: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return ((await r.json()) as { data: { result: { value: [number, string] }[] } }).data.result;
    };
    await until('pg_up and redis_up to be 1', async () => (await q('pg_up'))[0]?.value[1] === '1' && (await q('redis_up'))[0]?.value[1] === '1', 60_000);
  });
});
