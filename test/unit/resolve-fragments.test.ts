import { describe, expect, it } from 'vitest';
import { buildFragments, contextFor, serviceList, stackIndex, type BuildEnv } from '../../src/resolve/fragments.js';
import { nameSecrets } from '../../src/resolve/secret-names.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { errorOf } from './_resolve.js';

function build(yaml: string, images: Partial<BuildEnv['images']> = {}) {
  const spec = parseSpecText(yaml).services;
  const env: BuildEnv = { stack: stackIndex('st', spec), images: { cli: {}, spec: {}, user: {}, ...images }, secrets: nameSecrets(spec), specDir: '/srv/st' };
  return { spec, env, ...buildFragments(spec, env) };
}

describe('the fragments pass', () => {
  it('builds each service\'s fragment: its services, named volumes and config files', () => {
    const f = build('services:\n  clickhouse: {}\n  redis: {}\n');
    expect([...f.produced.keys()]).toEqual(['clickhouse', 'redis']);
    expect([...f.volumes].sort()).toEqual(['clickhouse-data', 'redis-data']);
    expect(f.volumesOf.get('redis')).toEqual(['redis-data']);
    expect(f.files).toEqual([expect.objectContaining({ path: 'clickhouse/config.d/berth.xml', consumers: ['clickhouse'] })]);
    expect(f.produced.get('clickhouse')![0]!.mounts).toContainEqual({ type: 'config', path: 'clickhouse/config.d/berth.xml', target: '/etc/clickhouse-server/config.d/berth.xml', readOnly: true });
  });

  it('an external datastore runs nothing and records where it is', () => {
    const f = build('services:\n  postgres: {external: "db.lan:6543"}\n');
    expect(f.produced.size).toBe(0);
    expect(f.externals.get('postgres')).toEqual({ name: 'postgres', component: 'postgres', host: 'db.lan', port: 6543 });
  });

  it('refuses too little memory, web with reporting, and timing for a probe that is not there', () => {
    expect(errorOf(() => build('services:\n  mongodb: {memory: 256m}\n')).message).toMatch(/^services\.mongodb\.memory: 256m is too little for mongodb/);
    expect(errorOf(() => build('services:\n  web: {}\n  reporting: {}\n')).message).toMatch(/^services: web \(web\) and reporting \(reporting\) cannot share a stack/);
    expect(errorOf(() => build('services:\n  otel-collector: {healthcheck: {interval: 5s}}\n')).message).toBe(
      'services.otel-collector.healthcheck: otel-collector has no health probe to time; drop healthcheck',
    );
  });

  it('builds with the image of images: read as Text, and refuses one Compose would not read', () => {
    const f = build('services:\n  redis: {}\n', { spec: { redis: 'r.lan/redis:${TAG}' } });
    expect(f.produced.get('redis')![0]!.image).toEqual(['r.lan/redis:', { var: 'TAG' }]);
    const { spec, env } = build('services:\n  redis: {}\n');
    expect(errorOf(() => contextFor(spec[0]!, { ...env, images: { ...env.images, cli: { redis: 'redis:${A:-$B}' } } })).message).toMatch(
      /^services\.redis\.image: "redis:\$\{A:-\$B\}" has a \$ inside the default/,
    );
  });

  it('serviceList sorts the services and refuses two of one name', () => {
    const { produced } = build('services:\n  redis: {}\n  postgres: {}\n');
    expect(serviceList(produced).map((s) => s.name)).toEqual(['postgres', 'redis']);
    produced.set('other', [...produced.get('redis')!]);
    expect(errorOf(() => serviceList(produced)).message).toMatch(/^services\.redis: two services would both be named redis/);
  });
});
