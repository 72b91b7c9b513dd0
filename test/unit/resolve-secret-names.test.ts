import { describe, expect, it } from 'vitest';
import { nameSecrets, secretRef } from '../../src/resolve/secret-names.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { errorOf } from './_resolve.js';

const names = (yaml: string) => nameSecrets(parseSpecText(yaml).services);

describe('the secret names pass', () => {
  it('names each secret <SERVICE>_<SUFFIX>, or its fixed stack-wide name, per service and key', () => {
    const n = names('services:\n  main-db:\n    component: postgres\n  web: {}\n  reporting-less: {component: redis}\n');
    expect(n.byService).toEqual({
      'main-db': { password: 'MAIN_DB_PASSWORD' },
      web: { authToken: 'BERTH_AUTH_TOKEN', secretKey: 'BERTH_SECRET_KEY' },
      'reporting-less': { password: 'REPORTING_LESS_PASSWORD' },
    });
    expect(n.declared.get('MAIN_DB_PASSWORD')).toMatchObject({ service: 'main-db', decl: { kind: 'password', initOnly: true } });
  });

  it('a fixed name two services declare is one secret, declared by the first', () => {
    const n = names('services:\n  web: {}\n  agent: {}\n');
    expect(n.declared.get('BERTH_AUTH_TOKEN')!.service).toBe('web');
    expect(n.byService.agent).toEqual({ authToken: 'BERTH_AUTH_TOKEN' });
  });

  it('leaves out secrets the options do not call for', () => {
    expect(names('services:\n  qdrant: {apiKey: false}\n').byService).toEqual({});
  });

  it('refuses names that collide, and COMPOSE_ names', () => {
    expect(errorOf(() => names('services:\n  my-db:\n    component: postgres\n  my_db:\n    component: postgres\n')).message).toBe(
      "services.my_db: its secret MY_DB_PASSWORD clashes with my-db's; rename one of the services",
    );
    expect(errorOf(() => names('services:\n  api:\n    component: app\n    image: x:1\n    secrets: [COMPOSE_FILE]\n')).message).toMatch(/^services\.api\.secrets: COMPOSE_FILE is Compose's own setting/);
  });

  it('a component refers to its secret by reference, never by value', () => {
    expect(secretRef(names('services:\n  redis: {}\n'), 'redis', 'password')).toEqual([{ secret: 'REDIS_PASSWORD' }]);
  });
});
