import { describe, expect, it } from 'vitest';
import { addExporters } from '../../src/resolve/exporters.js';
import { buildFragments, stackIndex, type BuildEnv } from '../../src/resolve/fragments.js';
import { nameSecrets } from '../../src/resolve/secret-names.js';
import { parseSpecText } from '../../src/resolve/spec.js';

function exporters(yaml: string) {
  const spec = parseSpecText(yaml).services;
  const env: BuildEnv = { stack: stackIndex('st', spec), images: { cli: {}, spec: { 'redis-exporter': 'mirror/redis-exporter:1' }, user: {} }, secrets: nameSecrets(spec), specDir: '/srv' };
  const { produced } = buildFragments(spec, env);
  addExporters(spec, produced, env);
  return Object.fromEntries([...produced].filter(([n]) => n.endsWith('-exporter')).map(([n, [svc]]) => [n, svc!]));
}

describe('the exporters pass', () => {
  it('adds none without a collector', () => {
    expect(exporters('services:\n  postgres: {}\n')).toEqual({});
  });

  it('adds a sidecar per measured datastore, on the defaults of every service, from where it comes', () => {
    const { 'redis-exporter': e } = exporters('services:\n  redis: {}\n  prometheus: {}\n');
    expect(e).toMatchObject({ component: 'redis-exporter', role: 'service', restart: 'always', replicas: 1, memoryMiB: 64, labels: {}, profiles: [] });
    expect(e!.origin).toEqual({ spec: 'redis', exporterOf: 'redis' });
    expect(e!.image).toBe('mirror/redis-exporter:1');
    expect(e!.environment.REDIS_PASSWORD).toEqual([{ secret: 'REDIS_PASSWORD' }]);
    expect(e!.dependsOn).toEqual({ redis: 'ready' });
  });

  it('runs with its target; a target that always runs gets the collectors\' profiles when they all have some', () => {
    const e = exporters('services:\n  redis: {profiles: [cache]}\n  postgres: {}\n  prometheus: {profiles: [obs]}\n  victoria-metrics: {profiles: [obs, long]}\n');
    expect(e['redis-exporter']!.profiles).toEqual(['cache']);
    expect(e['postgres-exporter']!.profiles).toEqual(['obs', 'long']);
  });

  it('leaves out exporter: false and external datastores', () => {
    expect(Object.keys(exporters('services:\n  redis: {exporter: false}\n  postgres: {external: db.lan}\n  mongodb: {}\n  prometheus: {}\n'))).toEqual(['mongodb-exporter']);
  });
});
