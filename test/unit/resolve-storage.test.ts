/** The storage pass: every named volume has a size (the service's storage:, its component's default, else 1g) and the storage class given. */
import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc } from './_resolve.js';
import type { Service } from '../../src/model/service.js';

const claims = (s: Service) => Object.fromEntries(s.mounts.flatMap((m) => (m.type === 'volume' ? [[m.source, m.storage]] : [])));

describe('storage', () => {
  it("sizes a datastore's data volume from its component's default", () => {
    expect(claims(svc(resolveYaml('services:\n  postgres: {}\n'), 'postgres'))).toEqual({ 'postgres-data': { sizeMiB: 10240 } });
  });

  it('takes the size and class from storage:', () => {
    const s = svc(resolveYaml('services:\n  redis:\n    storage: { size: 5g, class: fast-ssd }\n'), 'redis');
    expect(claims(s)).toEqual({ 'redis-data': { sizeMiB: 5120, className: 'fast-ssd' } });
  });

  it('keeps the small size the catalog gives a config volume', () => {
    const s = svc(resolveYaml('services:\n  influxdb:\n    storage: { size: 50g }\n'), 'influxdb');
    expect(claims(s)).toEqual({ 'influxdb-data': { sizeMiB: 51200 }, 'influxdb-config': { sizeMiB: 100 } });
  });

  it("gives an app's named volumes 1g unless told", () => {
    const s = svc(resolveYaml('services:\n  api:\n    component: app\n    image: x/api:1\n    volumes: ["files:/files"]\n'), 'api');
    expect(claims(s)).toEqual({ files: { sizeMiB: 1024 } });
  });

  it('refuses storage on a service with no named volume, and on an external datastore', () => {
    expect(errorOf(() => resolveYaml('services:\n  api:\n    component: app\n    image: x/api:1\n    storage: { size: 1g }\n')).message).toMatch(/^services\.api\.storage: api has no named volume to size/);
    expect(errorOf(() => resolveYaml('services:\n  db:\n    component: postgres\n    external: db.example.com\n    storage: { size: 1g }\n')).message).toMatch(/^services\.db\.storage: db is external/);
    expect(errorOf(() => resolveYaml('services:\n  redis:\n    storage: { class: Fast_SSD }\n')).message).toMatch(/services\.redis\.storage\.class must be a storage class name/);
  });
});
