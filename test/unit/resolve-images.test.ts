import { describe, expect, it } from 'vitest';
import { pickImage } from '../../src/resolve/images.js';
import { resolveYaml, svc } from './_resolve.js';

describe('image precedence', () => {
  const sources = { cli: { postgres: 'cli/pg:1' }, spec: { postgres: 'spec/pg:1', redis: 'spec/redis:1' }, user: { postgres: 'user/pg:1', redis: 'user/redis:1', kafka: 'user/kafka:1' } };

  it('service image: > --image > stack.yaml images: > images.yaml > catalog pin', () => {
    expect(pickImage('postgres', 'pin', sources, 'own/pg:1')).toBe('own/pg:1');
    expect(pickImage('postgres', 'pin', sources)).toBe('cli/pg:1');
    expect(pickImage('redis', 'pin', sources)).toBe('spec/redis:1');
    expect(pickImage('kafka', 'pin', sources)).toBe('user/kafka:1');
    expect(pickImage('mongodb', 'pin', sources)).toBe('pin');
  });

  const yaml = 'images:\n  redis: spec/redis:2\nservices:\n  postgres: {}\n  redis: {}\n  kafka: {}\n  mongodb:\n    image: own/mongo:7\n  prometheus: {}\n';

  it('applies through resolveStack, exporters included', () => {
    const s = resolveYaml(yaml, {
      images: { cli: { postgres: 'cli/pg:17', mongodb: 'cli/mongo:7' }, user: { postgres: 'user/pg:17', redis: 'user/redis:7', kafka: 'user/kafka:3', 'postgres-exporter': 'user/pe:1' } },
    });
    expect(svc(s, 'postgres').image).toBe('cli/pg:17');
    expect(svc(s, 'redis').image).toBe('spec/redis:2');
    expect(svc(s, 'kafka').image).toBe('user/kafka:3');
    expect(svc(s, 'mongodb').image).toBe('own/mongo:7');
    expect(svc(s, 'prometheus').image).toBe('prom/prometheus:v2.55.1');
    expect(svc(s, 'postgres-exporter').image).toBe('user/pe:1');
    expect(svc(s, 'redis-exporter').image).toBe('oliver006/redis_exporter:v1.67.0-alpine');
  });

  it('variants are keyed by their own name', () => {
    const s = resolveYaml('services:\n  postgres:\n    variant: timescaledb\n', { images: { user: { postgres: 'user/pg:1', timescaledb: 'user/ts:1' } } });
    expect(svc(s, 'postgres').image).toBe('user/ts:1');
    expect(svc(resolveYaml('services:\n  postgres:\n    variant: timescaledb\n'), 'postgres').image).toBe('timescale/timescaledb:2.19.3-pg17');
  });

  it('catalog pins are never latest', () => {
    const s = resolveYaml('services:\n  postgres: {}\n  redis: {}\n  mongodb: {}\n  kafka: {}\n  clickhouse: {}\n  prometheus: {}\n  grafana: {}\n  influxdb: {}\n  web: {}\n');
    for (const x of s.services) expect(x.image).toMatch(/:[^:]+$/), expect(x.image).not.toMatch(/:latest$/);
  });
});
