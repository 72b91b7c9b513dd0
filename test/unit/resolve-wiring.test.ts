import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc, written, writtenEnv } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('wiring: consumers get the connection env of the datastores in the stack', () => {
  const stack = resolveYaml(
    lines(
      'services:',
      '  postgres: {}',
      '  redis: {}',
      '  mongodb: {}',
      '  kafka: {}',
      '  clickhouse: {}',
      '  prometheus: {}',
      '  api:',
      '    component: app',
      '    image: registry.local/api:1',
    ),
  );
  const api = svc(stack, 'api');

  it('DATABASE_URL, REDIS_URL, MONGODB_URL, KAFKA_BOOTSTRAP_SERVERS, CLICKHOUSE_URL with references to secrets, never values', () => {
    expect(api.environment.DATABASE_URL).toEqual(['postgresql://app:', { secret: 'POSTGRES_PASSWORD' }, '@postgres:5432/app']);
    expect(writtenEnv(api)).toMatchObject({
      DATABASE_URL: 'postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/app',
      POSTGRES_HOST: 'postgres',
      POSTGRES_PORT: '5432',
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: '${POSTGRES_PASSWORD}',
      REDIS_URL: 'redis://:${REDIS_PASSWORD}@redis:6379/0',
      REDIS_PASSWORD: '${REDIS_PASSWORD}',
      MONGODB_URL: 'mongodb://root:${MONGODB_PASSWORD}@mongodb:27017/?authSource=admin',
      CLICKHOUSE_URL: 'http://app:${CLICKHOUSE_PASSWORD}@clickhouse:8123/?database=app',
    });
    // In-network clients use the PLAINTEXT listener (9092); 9094 is the listener for host clients.
    expect(api.environment.KAFKA_BOOTSTRAP_SERVERS).toBe('kafka:9092');
    for (const value of Object.values(writtenEnv(api))) expect(value).not.toMatch(/test-(password|token|id)-/);
  });

  it('waits for each datastore to be healthy', () => {
    expect(api.dependsOn).toEqual({
      postgres: 'ready',
      redis: 'ready',
      mongodb: 'ready',
      kafka: 'ready',
      clickhouse: 'ready',
    });
  });

  it('opt-in providers (prometheus, web) are not wired unless named in uses', () => {
    expect(api.environment.PROMETHEUS_URL).toBeUndefined();
    expect(api.dependsOn.prometheus).toBeUndefined();
  });

  it('datastores themselves are not consumers', () => {
    expect(svc(stack, 'postgres').dependsOn).toEqual({});
    expect(svc(stack, 'redis').environment.DATABASE_URL).toBeUndefined();
  });
});

describe('wiring: uses', () => {
  it('restricts the datastores a consumer receives and waits for', () => {
    const s = resolveYaml(lines('services:', '  postgres: {}', '  redis: {}', '  api:', '    component: app', '    image: x:1', '    uses: [redis]'));
    const api = svc(s, 'api');
    expect(written(api.environment.REDIS_URL)).toBe('redis://:${REDIS_PASSWORD}@redis:6379/0');
    expect(api.environment.DATABASE_URL).toBeUndefined();
    expect(api.dependsOn).toEqual({ redis: 'ready' });
  });

  it('uses: [] gives nothing', () => {
    const s = resolveYaml(lines('services:', '  postgres: {}', '  api:', '    component: app', '    image: x:1', '    uses: []'));
    expect(svc(s, 'api').dependsOn).toEqual({});
    expect(svc(s, 'api').environment.DATABASE_URL).toBeUndefined();
  });

  it('opt-in providers are wired when named', () => {
    const s = resolveYaml(lines('services:', '  prometheus: {}', '  api:', '    component: app', '    image: x:1', '    uses: [prometheus]'));
    expect(svc(s, 'api').environment.PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(svc(s, 'api').dependsOn).toEqual({ prometheus: 'ready' });
  });

  it('names an unknown service or a non-datastore with the key path', () => {
    const unknown = errorOf(() => resolveYaml(lines('services:', '  postgres: {}', '  api:', '    component: app', '    image: x:1', '    uses: [postgress]')));
    expect(unknown.message).toBe('services.api.uses: postgress is not a service in this stack; use one of postgres');
    expect(unknown.exitCode).toBe(2);
    const app = errorOf(() =>
      resolveYaml(lines('services:', '  other:', '    component: app', '    image: y:1', '  api:', '    component: app', '    image: x:1', '    uses: [other]')),
    );
    expect(app.message).toBe('services.api.uses: other (app) offers no connection settings; list datastores only');
  });

  it('workers and jobs with app: inherit the app\'s uses', () => {
    const s = resolveYaml(
      lines(
        'services:',
        '  postgres: {}',
        '  redis: {}',
        '  api:',
        '    component: app',
        '    image: x:1',
        '    uses: [postgres]',
        '  worker:',
        '    app: api',
        '    command: [work]',
        '  migrate:',
        '    component: job',
        '    app: api',
        '    command: [migrate]',
      ),
    );
    for (const n of ['worker', 'migrate']) {
      expect(svc(s, n).environment.DATABASE_URL).toBeDefined();
      expect(svc(s, n).environment.REDIS_URL).toBeUndefined();
      expect(svc(s, n).image).toBe('x:1');
    }
  });
});

describe('wiring: two datastores of one component', () => {
  const s = resolveYaml(
    lines('services:', '  main-db:', '    component: postgres', '  analytics:', '    component: postgres', '    database: stats', '  api:', '    component: app', '    image: x:1'),
  );

  it('get service-name-prefixed env and secrets of their own', () => {
    const env = writtenEnv(svc(s, 'api'));
    expect(env.MAIN_DB_DATABASE_URL).toBe('postgresql://app:${MAIN_DB_PASSWORD}@main-db:5432/app');
    expect(env.ANALYTICS_DATABASE_URL).toBe('postgresql://app:${ANALYTICS_PASSWORD}@analytics:5432/stats');
    expect(env.MAIN_DB_POSTGRES_HOST).toBe('main-db');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(Object.keys(s.secrets).sort()).toEqual(['ANALYTICS_PASSWORD', 'MAIN_DB_PASSWORD']);
    expect(svc(s, 'api').dependsOn).toEqual({ 'main-db': 'ready', analytics: 'ready' });
  });

  it('two services whose secret names would collide are refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  my-db:', '    component: postgres', '  my_db:', '    component: postgres')));
    expect(e.message).toBe("services.my_db: its secret MY_DB_PASSWORD clashes with my-db's; rename one of the services");
  });
});

describe('wiring: external datastores', () => {
  const s = resolveYaml(lines('services:', '  postgres:', '    external: db.internal:6543', '  api:', '    component: app', '    image: x:1'));

  it('run no container; consumers get the outside address and do not wait for it', () => {
    expect(s.services.map((x) => x.name)).toEqual(['api']);
    expect(s.externals).toEqual([{ name: 'postgres', component: 'postgres', host: 'db.internal', port: 6543 }]);
    expect(written(svc(s, 'api').environment.DATABASE_URL)).toBe('postgresql://app:${POSTGRES_PASSWORD}@db.internal:6543/app');
    expect(svc(s, 'api').dependsOn).toEqual({});
  });

  it('warn that a generated password must be replaced by the real one', () => {
    expect(s.warnings).toContain('POSTGRES_PASSWORD was generated for the external postgres at db.internal; set its real value with --secret POSTGRES_PASSWORD=...');
    const given = resolveYaml(lines('services:', '  postgres:', '    external: db.internal', '  api:', '    component: app', '    image: x:1'), {
      givenSecrets: { POSTGRES_PASSWORD: 'the-real-password' },
    });
    expect(given.warnings).toEqual([]);
    expect(given.externals[0]!.port).toBe(5432);
  });

  it('a bad port in external: names the key', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  postgres:', '    external: "db:99999"'))).message).toBe('services.postgres.external: 99999 is not a port (1-65535)');
  });
});

describe('wiring: jobs', () => {
  it('gate every app, worker, web and reporting by default until it completes', () => {
    const s = resolveYaml(
      lines(
        'services:',
        '  postgres: {}',
        '  web: {}',
        '  api:',
        '    component: app',
        '    image: x:1',
        '  worker:',
        '    app: api',
        '    command: [work]',
        '  migrate:',
        '    component: job',
        '    app: api',
        '    command: [migrate]',
      ),
    );
    for (const n of ['web', 'api', 'worker']) expect(svc(s, n).dependsOn.migrate).toBe('completed');
    expect(svc(s, 'postgres').dependsOn).toEqual({});
    const migrate = svc(s, 'migrate');
    expect(migrate.role).toBe('job');
    expect(migrate.restart).toBe('never');
    expect(migrate.dependsOn).toEqual({ postgres: 'ready' });
  });

  it('before: names the services it gates, expanding instances', () => {
    const s = resolveYaml(
      lines(
        'services:',
        '  api:',
        '    component: app',
        '    image: x:1',
        '    instances:',
        '      a: {port: 8001}',
        '      b: {port: 8002}',
        '  other:',
        '    component: app',
        '    image: y:1',
        '  seed:',
        '    component: job',
        '    image: s:1',
        '    command: seed',
        '    before: [api]',
      ),
    );
    expect(svc(s, 'api-a').dependsOn).toEqual({ seed: 'completed' });
    expect(svc(s, 'api-b').dependsOn).toEqual({ seed: 'completed' });
    expect(svc(s, 'other').dependsOn).toEqual({});
    expect(svc(s, 'seed').command).toEqual(['/bin/sh', '-c', 'seed']);
  });

  it('before: an unknown service or itself is refused with the key path', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  seed:', '    component: job', '    image: s:1', '    command: x', '    before: [nope]'))).message).toBe(
      'services.seed.before: nope is not a service in this stack',
    );
    expect(errorOf(() => resolveYaml(lines('services:', '  seed:', '    component: job', '    image: s:1', '    command: x', '    before: [seed]'))).message).toBe(
      'services.seed.before: a job cannot come before itself',
    );
  });

  it('a service that depends on a job waits for it to complete', () => {
    const s = resolveYaml(lines('services:', '  seed:', '    component: job', '    image: s:1', '    command: x', '    before: []', '  web: {}', '  nginx:', '    dependsOn: [seed]'));
    expect(svc(s, 'nginx').dependsOn.seed).toBe('completed');
  });
});
