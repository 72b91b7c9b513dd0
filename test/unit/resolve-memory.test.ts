import { describe, expect, it } from 'vitest';
import { checkBudget, memoryLines, memoryTable } from '../../src/resolve/memory.js';
import { errorOf, resolveYaml, svc } from './_resolve.js';
import type { Service } from '../../src/model/service.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const arg = (s: Service, flag: string) => s.command![s.command!.indexOf(flag) + 1];

describe('internal caps follow mem_limit', () => {
  it.each([
    ['1g', 1024, 256],
    ['2g', 2048, 512],
    ['512m', 512, 128],
    ['1.5g', 1536, 384],
  ])('postgres %s: mem_limit %dm, shared_buffers 25%% = %dMB', (memory, mib, buffers) => {
    const pg = svc(resolveYaml(`services:\n  postgres:\n    memory: ${memory}\n`), 'postgres');
    expect(pg.memoryMiB).toBe(mib);
    expect(pg.command).toContain(`shared_buffers=${buffers}MB`);
    expect(pg.command).toContain(`effective_cache_size=${mib / 2}MB`);
  });

  it.each([
    ['300m', 255],
    ['1g', 870],
    ['512m', 435],
  ])('redis %s: maxmemory 85%% = %dmb', (memory, max) => {
    const r = svc(resolveYaml(`services:\n  redis:\n    memory: ${memory}\n`), 'redis');
    expect(arg(r, '--maxmemory')).toBe(`${max}mb`);
  });

  it.each([
    ['1280m', '-Xms256m -Xmx1024m'],
    ['1g', '-Xms256m -Xmx768m'],
    ['2g', '-Xms256m -Xmx1600m'],
    ['1000m', '-Xms256m -Xmx768m'],
    ['256m', '-Xms192m -Xmx192m'],
  ])('kafka %s: heap 80%% rounded down to 64m: %s', (memory, heap) => {
    const k = svc(resolveYaml(`services:\n  kafka:\n    memory: ${memory}\n`), 'kafka');
    expect(k.environment.KAFKA_HEAP_OPTS).toBe(heap);
  });

  it.each([
    ['1g', '0.4'],
    ['2g', '0.8'],
    ['4g', '1.6'],
    ['1536m', '0.6'],
  ])('mongodb %s: --wiredTigerCacheSizeGB 40%% = %s', (memory, gb) => {
    const m = svc(resolveYaml(`services:\n  mongodb:\n    memory: ${memory}\n`), 'mongodb');
    expect(arg(m, '--wiredTigerCacheSizeGB')).toBe(gb);
  });

  it('catalog defaults apply without memory:', () => {
    const s = resolveYaml(lines('services:', '  postgres: {}', '  redis: {}', '  kafka: {}', '  mongodb: {}'));
    expect(s.services.map((x) => [x.name, x.memoryMiB])).toEqual([
      ['kafka', 1280],
      ['mongodb', 1024],
      ['postgres', 1024],
      ['redis', 300],
    ]);
  });
});

describe('memory budget', () => {
  const yaml = lines(
    'services:',
    '  postgres:',
    '    memory: 1g',
    '  redis:',
    '    memory: 512m',
    '  grafana:',
    '    memory: 256m',
    '    profiles: [obs]',
    '  api:',
    '    component: app',
    '    image: x:1',
    '    memory: 256m',
    '    replicas: 3',
    '  migrate:',
    '    component: job',
    '    image: x:1',
    '    command: migrate',
    '    memory: 2g',
  );

  it('counts long-running services under the active profiles, times replicas; jobs are left out', () => {
    const s = resolveYaml(yaml);
    const l = memoryLines(s.services, []);
    expect(l.map((x) => [x.service, x.totalMiB])).toEqual([
      ['api', 768],
      ['postgres', 1024],
      ['redis', 512],
    ]);
    expect(memoryLines(s.services, ['obs']).map((x) => x.service)).toContain('grafana');
  });

  it('a budget that fits passes (2304m needed)', () => {
    expect(() => resolveYaml(yaml, { memoryBudget: 2304 * 1024 * 1024 })).not.toThrow();
    expect(() => resolveYaml(`memoryBudget: 2304m\n${yaml}`)).not.toThrow();
  });

  it('a budget that does not fit fails with a one-line message and a table', () => {
    const e = errorOf(() => resolveYaml(yaml, { memoryBudget: 2 * 1024 ** 3 }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('memory budget exceeded: the services need 2.25g, the budget is 2g; lower some memory: limits or raise --memory-budget');
    expect(e.details).toBe(
      [
        '  SERVICE     LIMIT    x    TOTAL',
        '  postgres       1g    1       1g',
        '  api          256m    3     768m',
        '  redis        512m    1     512m',
        '  total                     2.25g',
        '  budget                       2g',
      ].join('\n'),
    );
  });

  it('active profiles add their services: --profile obs pushes it over', () => {
    expect(() => resolveYaml(yaml, { memoryBudget: 2304 * 1024 * 1024, profiles: ['obs'] })).toThrow(/the services need 2.5g, the budget is 2.25g/);
    expect(() => resolveYaml(`profiles: [obs]\nmemoryBudget: 2304m\n${yaml}`)).toThrow(/memory budget exceeded/);
  });

  it('a budget under 1m is shown as given, not rounded up to 1m', () => {
    expect(errorOf(() => resolveYaml(yaml, { memoryBudget: 1024 })).message).toMatch(/, the budget is 1k; /);
    expect(errorOf(() => resolveYaml(yaml, { memoryBudget: 1536 * 1024 })).message).toMatch(/, the budget is 1.5m; /);
    expect(errorOf(() => resolveYaml(yaml, { memoryBudget: 100 })).message).toMatch(/, the budget is 100b; /);
  });

  it('--memory-budget replaces memoryBudget: of the spec', () => {
    expect(() => resolveYaml(`memoryBudget: 1g\n${yaml}`, { memoryBudget: 4 * 1024 ** 3 })).not.toThrow();
  });

  it('exporters count (64m each)', () => {
    expect(() => resolveYaml(lines('services:', '  postgres:', '    memory: 1g', '  prometheus:', '    memory: 512m'), { memoryBudget: 1536 * 1024 * 1024 })).toThrow(
      /the services need 1.56g, the budget is 1.5g/,
    );
  });

  it('scale instances count only under their profiles', () => {
    const w = lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    memory: 1g', '    scale: 3');
    expect(() => resolveYaml(w, { memoryBudget: 1024 ** 3 })).not.toThrow();
    expect(() => resolveYaml(w, { memoryBudget: 2 * 1024 ** 3, profiles: ['scale-2'] })).not.toThrow();
    expect(() => resolveYaml(w, { memoryBudget: 2 * 1024 ** 3, profiles: ['scale-3'] })).toThrow(/need 3g, the budget is 2g/);
  });

  it('without a budget, more than the host has is a warning', () => {
    expect(checkBudget([], [], undefined, 100)).toEqual([]);
    const s = resolveYaml('services:\n  postgres:\n    memory: 2g\n', { hostMemoryMiB: 1024 });
    expect(s.warnings).toEqual(['the services need 2g of memory but this host has 1g; lower memory: limits or run the stack on a bigger host']);
  });

  it('memoryTable sorts by total, then name', () => {
    const t = memoryTable(
      [
        { service: 'b', memoryMiB: 100, replicas: 1, totalMiB: 100 },
        { service: 'a', memoryMiB: 100, replicas: 1, totalMiB: 100 },
        { service: 'c', memoryMiB: 50, replicas: 4, totalMiB: 200 },
      ],
      1024 ** 3,
    );
    expect(t.split('\n').slice(1, 4).map((l) => l.trim().split(/\s+/)[0])).toEqual(['c', 'a', 'b']);
  });
});

describe('the least memory a component runs in', () => {
  it.each([
    ['mongodb', '256m', "services.mongodb.memory: 256m is too little for mongodb (WiredTiger's smallest cache is 256 MiB); give it at least 512m"],
    ['kafka', '64m', 'services.kafka.memory: 64m is too little for kafka (the JVM needs a heap of at least 64 MiB and as much again beside it); give it at least 256m'],
    ['redis', '6m', 'services.redis.memory: 6m is too little for redis (maxmemory is at least 8 MiB and the server needs room beside it); give it at least 32m'],
    ['postgres', '16m', 'services.postgres.memory: 16m is too little for postgres (shared_buffers is at least 16 MiB and every connection needs its own memory); give it at least 64m'],
  ])('%s refuses %s', (component, memory, message) => {
    const e = errorOf(() => resolveYaml(`services:\n  ${component}: {memory: ${memory}}\n`));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });

  it('the minimum itself is enough', () => {
    expect(() => resolveYaml('services:\n  mongodb: {memory: 512m}\n  kafka: {memory: 256m}\n  redis: {memory: 32m}\n  postgres: {memory: 64m}\n')).not.toThrow();
  });
});
