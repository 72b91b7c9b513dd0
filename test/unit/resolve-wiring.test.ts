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

describe('wiring: berth components', () => {
  it('web uses PostgreSQL when the stack has it; the agent registers with the web service', () => {
    const s = resolveYaml(lines('services:', '  web: {}', '  agent: {}', '  postgres: {}'));
    expect(written(svc(s, 'web').environment.DATABASE_URL)).toBe('postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/app');
    expect(written(svc(s, 'web').environment.BERTH_AUTH_TOKEN)).toBe('${BERTH_AUTH_TOKEN}');
    expect(svc(s, 'agent').environment.BERTH_SERVER_URL).toBe('https://web:8080');
    expect(svc(s, 'agent').dependsOn).toEqual({ web: 'ready' });
    expect(Object.keys(s.secrets).sort()).toEqual(['BERTH_AUTH_TOKEN', 'BERTH_SECRET_KEY', 'POSTGRES_PASSWORD']);
  });

  it('an agent without a web service needs a server URL', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  agent: {}'))).message).toBe(
      'services.agent.serverUrl: the agent needs the berth server to register with; pass --server-url https://server:8080 or add web to the stack',
    );
  });

  it('grafana receives the InfluxDB token reference for its datasource', () => {
    const s = resolveYaml(lines('services:', '  grafana: {}', '  influxdb: {}'));
    expect(written(svc(s, 'grafana').environment.INFLUXDB_TOKEN)).toBe('${INFLUXDB_TOKEN}');
  });
});

describe('wiring: exporters', () => {
  it('are added for measured datastores when the stack has a collector, and wait for their target', () => {
    const without = resolveYaml(lines('services:', '  postgres: {}', '  redis: {}'));
    expect(without.services.map((x) => x.name)).toEqual(['postgres', 'redis']);
    const withProm = resolveYaml(lines('services:', '  postgres: {}', '  redis: {}', '  prometheus: {}'));
    expect(withProm.services.map((x) => x.name)).toEqual(['postgres', 'postgres-exporter', 'prometheus', 'redis', 'redis-exporter']);
    const pe = svc(withProm, 'postgres-exporter');
    expect(pe.dependsOn).toEqual({ postgres: 'ready' });
    expect(written(pe.environment.DATA_SOURCE_PASS)).toBe('${POSTGRES_PASSWORD}');
    expect(pe.memoryMiB).toBe(64);
    expect(pe.origin).toEqual({ spec: 'postgres', exporterOf: 'postgres' });
  });
});

describe('wiring: placeholders', () => {
  it('{{NAME}} in env and command is a connection variable the service receives; secrets stay references', () => {
    const s = resolveYaml(
      lines(
        'services:',
        '  postgres: {}',
        '  backend:',
        '    component: app',
        '    image: acme/backend:1',
        '    env: {DB_HOST: "{{POSTGRES_HOST}}", DB_PORT: "{{POSTGRES_PORT}}", DB_PASSWORD: "{{POSTGRES_PASSWORD}}", URL: "{{DATABASE_URL}}?sslmode=disable"}',
        '    command: [serve, --db, "{{DATABASE_URL}}"]',
      ),
    );
    const b = svc(s, 'backend');
    expect(writtenEnv(b)).toMatchObject({
      DB_HOST: 'postgres',
      DB_PORT: '5432',
      DB_PASSWORD: '${POSTGRES_PASSWORD}',
      URL: 'postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/app?sslmode=disable',
    });
    expect(b.command).toEqual(['serve', '--db', ['postgresql://app:', { secret: 'POSTGRES_PASSWORD' }, '@postgres:5432/app']]);
  });

  it('workers of an app and each instance get the same expansion, after {{instance}}', () => {
    const s = resolveYaml(
      lines(
        'services:',
        '  redis: {}',
        '  kato:',
        '    component: app',
        '    image: acme/kato:1',
        '    health: /{{instance}}/ping',
        '    metrics: /{{instance}}/metrics',
        '    env: {PROCESSOR_ID: "{{instance}}", CACHE: "{{REDIS_HOST}}:{{REDIS_PORT}}"}',
        '    instances:',
        '      a: {port: 8001}',
        '      b: {port: 8002}',
      ),
    );
    const b = svc(s, 'kato-b');
    expect(b.environment).toMatchObject({ PROCESSOR_ID: 'b', CACHE: 'redis:6379' });
    expect(b.probe).toMatchObject({ http: { port: 8000, path: '/b/ping' }, via: 'curl-or-wget' });
    expect(b.metrics).toEqual({ port: 8000, path: '/b/metrics' });
  });

  it('an unknown placeholder is an error naming the key and the ones there are', () => {
    const e = errorOf(() =>
      resolveYaml(lines('services:', '  redis: {}', '  api:', '    component: app', '    image: acme/api:1', '    env: {DB: "{{POSTGRES_HOST}}"}')),
    );
    expect(e.message).toBe(
      'services.api.env.DB: {{POSTGRES_HOST}} is not a placeholder berth knows; use one of {{name}}, {{instance}}, {{index}}, {{port}}, {{REDIS_HOST}}, {{REDIS_PASSWORD}}, {{REDIS_PORT}}, {{REDIS_URL}} (connection variables come from the datastores in uses)',
    );
    expect(e.exitCode).toBe(2);
  });
});

describe('workers and jobs from an app', () => {
  const api = ['  api:', '    component: app', '    image: acme/api:1'];
  it('need a command of their own; a job with its own image runs the image\'s', () => {
    expect(errorOf(() => resolveYaml(lines('services:', ...api, '  migrate:', '    component: job', '    app: api'))).message).toBe(
      "services.migrate.command: a job from app api needs the command it runs; without one it starts api's own",
    );
    expect(errorOf(() => resolveYaml(lines('services:', ...api, '  w:', '    component: worker', '    app: api'))).message).toMatch(/^services\.w\.command: a worker from app api/);
    const own = resolveYaml(lines('services:', ...api, '  certs:', '    component: job', '    image: acme/certs:1'));
    expect(svc(own, 'certs').command).toBeUndefined();
    expect(svc(own, 'api').dependsOn).toEqual({ certs: 'completed' });
  });
});

describe('healthcheck: timing overrides', () => {
  it('reach workers, scaled or not', () => {
    for (const extra of [[], ['    scale: 2']]) {
      const s = resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x/y:1', '    health: /h', '    healthcheck: {interval: 7s, retries: 3}', ...extra));
      for (const x of s.services) expect(x.probe).toMatchObject({ intervalMs: 7000, retries: 3 });
    }
  });

  it('need a probe to time', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  a:', '    component: app', '    image: x/y:1', '    healthcheck: {interval: 7s}'))).message).toBe(
      'services.a.healthcheck: a has no health probe to time; add health: /path (or {command: [...]})',
    );
  });
});

describe('wiring: telemetry under a profile', () => {
  it('consumers get the collector\'s env even when it runs only under a profile, and wait for it only when it always runs', () => {
    const gated = resolveYaml(lines('services:', '  otel-collector: {profiles: [observability]}', '  api:', '    component: app', '    image: x/y:1'));
    expect(svc(gated, 'api').environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4317');
    expect(svc(gated, 'api').dependsOn).toEqual({});
    const always = resolveYaml(lines('services:', '  otel-collector: {}', '  api:', '    component: app', '    image: x/y:1'));
    expect(svc(always, 'api').dependsOn).toEqual({ 'otel-collector': 'started' }); // no probe in its image
  });

  it('a datastore under a profile the consumer does not need is still an error', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  redis: {profiles: [cache]}', '  api:', '    component: app', '    image: x/y:1', '    uses: [redis]'))).message).toMatch(
      /^services\.api\.uses: redis only runs under/,
    );
  });
});

describe('kafka for clients outside the stack', () => {
  const advertised = (opts: string) => svc(resolveYaml(`services:\n  kafka: {port: 19094${opts}}\n`), 'kafka').environment.KAFKA_ADVERTISED_LISTENERS;
  it('advertises the name they reach it by', () => {
    expect(advertised('')).toBe('PLAINTEXT://kafka:9092,EXTERNAL://localhost:19094');
    expect(advertised(', bind: 0.0.0.0, advertisedHost: kafka.lan')).toBe('PLAINTEXT://kafka:9092,EXTERNAL://kafka.lan:19094');
    expect(advertised(', bind: 10.0.0.5')).toBe('PLAINTEXT://kafka:9092,EXTERNAL://10.0.0.5:19094');
  });
});

describe('wiring: exporter: false', () => {
  it('leaves the exporter out', () => {
    const s = resolveYaml(lines('services:', '  postgres: {exporter: false}', '  redis: {}', '  prometheus: {}'));
    expect(s.services.map((x) => x.name)).toEqual(['postgres', 'prometheus', 'redis', 'redis-exporter']);
  });
});
