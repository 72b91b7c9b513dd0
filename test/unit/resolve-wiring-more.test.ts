/** Wiring of berth's own components, exporters, placeholders, telemetry, healthcheck timing and Kafka. */
import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc, written, writtenEnv } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

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
      'services.api.env.DB: {{POSTGRES_HOST}} is not a placeholder berth knows; use one of {{name}}, {{instance}}, {{index}}, {{port}}, {{address}}, {{REDIS_HOST}}, {{REDIS_PASSWORD}}, {{REDIS_PORT}}, {{REDIS_URL}} (connection variables come from the datastores in uses)',
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
