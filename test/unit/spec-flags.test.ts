import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, hasComponentFlags, parseImageFlags, parsePort, secretsFromFlags, specFromFlags as fromFlags, type ComponentFlags } from '../../src/spec/flags.js';
import { COMPONENTS } from '../../src/catalog/index.js';
import { validateSpec } from '../../src/resolve/spec.js';
import { errorOf } from './_resolve.js';

const specFromFlags = (f: ComponentFlags) => fromFlags(f, COMPONENTS.map((c) => c.name));

describe('specFromFlags', () => {
  it('builds the seed components with their default ports', () => {
    expect(specFromFlags({ web: true, postgres: true, monitoring: true })).toEqual({
      version: 1,
      services: { web: { port: 8080 }, postgres: { port: 5432 }, prometheus: { port: 9090 }, grafana: { port: 3000 }, influxdb: { port: 8086 } },
    });
    expect(specFromFlags({ reporting: true }).services).toEqual({ reporting: { port: 8080 } });
    expect(specFromFlags({ agent: true, serverUrl: 'https://server:8080' }).services).toEqual({ agent: { port: 8090, serverUrl: 'https://server:8080' } });
    expect(DEFAULT_PORTS).toEqual({ port: 8080, agentPort: 8090, postgresPort: 5432, grafanaPort: 3000, prometheusPort: 9090, influxdbPort: 8086 });
  });

  it('takes every port flag', () => {
    const s = specFromFlags({
      web: true, agent: true, postgres: true, monitoring: true,
      port: '8081', agentPort: '8091', postgresPort: '5433', grafanaPort: '3001', prometheusPort: '9091', influxdbPort: '8087',
    }).services as Record<string, { port: number }>;
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.port]))).toEqual({ web: 8081, agent: 8091, postgres: 5433, prometheus: 9091, grafana: 3001, influxdb: 8087 });
  });

  it('--port applies to reporting too', () => {
    expect(specFromFlags({ reporting: true, port: '9000' }).services).toEqual({ reporting: { port: 9000 } });
  });

  it('--with adds catalog components, comma-separated or repeated, with optional name:port', () => {
    expect(specFromFlags({ with: ['redis,clickhouse'] }).services).toEqual({ redis: {}, clickhouse: {} });
    expect(specFromFlags({ with: ['redis', ' qdrant , kafka:9094'] }).services).toEqual({ redis: {}, qdrant: {}, kafka: { port: 9094 } });
    expect(specFromFlags({ postgres: true, with: ['postgres:6543'] }).services).toEqual({ postgres: { port: 6543 } });
  });

  it('the spec it builds passes the stack.yaml schema', () => {
    expect(() => validateSpec(specFromFlags({ web: true, postgres: true, monitoring: true, with: ['redis,clickhouse,mongodb,kafka,qdrant,nginx,jaeger'] }))).not.toThrow();
  });

  it('needs at least one component', () => {
    expect(hasComponentFlags({})).toBe(false);
    expect(hasComponentFlags({ with: [] })).toBe(false);
    expect(hasComponentFlags({ with: ['redis'] })).toBe(true);
    const e = errorOf(() => specFromFlags({ port: '8080' }));
    expect(e.message).toBe('no components given; pass at least one of --web, --reporting, --agent, --postgres, --monitoring, --with <names>, or -f stack.yaml');
    expect(e.exitCode).toBe(2);
  });

  it('--web and --reporting are mutually exclusive', () => {
    const e = errorOf(() => specFromFlags({ web: true, reporting: true }));
    expect(e.message).toBe('--web and --reporting are mutually exclusive; pick one (reporting is the read-only dashboard)');
    expect(e.exitCode).toBe(2);
  });

  it('--web and --reporting stay exclusive whichever flags add them', () => {
    for (const f of [{ reporting: true, with: ['web'] }, { with: ['web,reporting'] }, { web: true, with: ['reporting:8081'] }]) {
      expect(errorOf(() => specFromFlags(f)).message).toBe('--web and --reporting are mutually exclusive; pick one (reporting is the read-only dashboard)');
    }
  });

  it('a port flag for a component the stack does not have is an error, and it reaches components added by --with', () => {
    expect(errorOf(() => specFromFlags({ postgres: true, grafanaPort: '3001' })).message).toBe('--grafana-port is for grafana; add --monitoring, or drop --grafana-port');
    expect(errorOf(() => specFromFlags({ agent: true, port: '8081' })).message).toBe('--port is for web or reporting; add --web or --reporting, or drop --port');
    expect(specFromFlags({ with: ['grafana'], grafanaPort: '3001' }).services).toEqual({ grafana: { port: 3001 } });
    expect(errorOf(() => specFromFlags({ with: ['grafana:3002'], grafanaPort: '3001' })).message).toBe("grafana's port is given twice (--with grafana:3002 and --grafana-port); keep one");
  });

  it('--server-url and --gpus apply to an agent added by --with', () => {
    expect(specFromFlags({ with: ['agent'], serverUrl: 'https://s:1', gpus: '1' }).services).toEqual({ agent: { port: 8090, serverUrl: 'https://s:1', gpu: 1 } });
  });

  it('--server-url and --gpus need --agent; --server-url must be a URL', () => {
    expect(errorOf(() => specFromFlags({ web: true, serverUrl: 'https://x:8080' })).message).toBe('--server-url is for the agent; add --agent, or drop --server-url');
    expect(errorOf(() => specFromFlags({ web: true, gpus: '1' })).message).toBe('--gpus is for the agent; add --agent, or drop --gpus');
    expect(errorOf(() => specFromFlags({ agent: true, serverUrl: 'server:8080' })).message).toBe('--server-url: "server:8080" is not a URL like https://server:8080: only http and https are served');
    expect(errorOf(() => specFromFlags({ agent: true, serverUrl: 'https://s:1', gpus: 'many' })).message).toBe('--gpus: "many" is not a GPU count; give a number like 1, or all');
    expect(specFromFlags({ agent: true, serverUrl: 'https://s:1', gpus: 'all' }).services).toEqual({ agent: { port: 8090, serverUrl: 'https://s:1', gpu: 'all' } });
    expect(specFromFlags({ agent: true, serverUrl: 'https://s:1', gpus: '2' }).services).toEqual({ agent: { port: 8090, serverUrl: 'https://s:1', gpu: 2 } });
  });

  it.each([
    ['port', '--port'],
    ['agentPort', '--agent-port'],
    ['postgresPort', '--postgres-port'],
    ['grafanaPort', '--grafana-port'],
    ['prometheusPort', '--prometheus-port'],
    ['influxdbPort', '--influxdb-port'],
  ] as const)('a bad %s names the flag %s', (key, flag) => {
    for (const bad of ['0', '65536', '70000', 'http', '80.5', '-1', '']) {
      const e = errorOf(() => specFromFlags({ web: true, agent: true, serverUrl: 'https://s:1', postgres: true, monitoring: true, [key]: bad }));
      expect(e.message).toBe(`${flag}: ${JSON.stringify(bad)} is not a port (1-65535)`);
      expect(e.exitCode).toBe(2);
    }
  });

  it('--with refuses unknown components with a suggestion, and app/worker/job with a pointer to stack.yaml', () => {
    expect(errorOf(() => specFromFlags({ with: ['rediss'] })).message).toMatch(/^--with: "rediss" cannot be added this way; did you mean redis\? components: postgres, redis, /);
    expect(errorOf(() => specFromFlags({ with: ['worker'] })).message).toBe('--with: "worker" cannot be added this way; worker needs an image and options: describe it in a stack.yaml (-f)');
    expect(errorOf(() => specFromFlags({ with: ['redis:99999'] })).message).toBe('--with redis: "99999" is not a port (1-65535)');
  });
});

describe('parsePort', () => {
  it('accepts 1 and 65535', () => {
    expect(parsePort('1', '--port')).toBe(1);
    expect(parsePort('65535', '--port')).toBe(65535);
  });
});

describe('secretsFromFlags', () => {
  it('maps the secret flags to .env names', () => {
    expect(secretsFromFlags({ authToken: 'tok-aaaaaaaaaaaa', secretKey: 'key-bbbbbbbbbbbb', postgresPassword: 'pw-cccccccccccc', secret: ['REDIS_PASSWORD=r=d=s'] })).toEqual({
      BERTH_AUTH_TOKEN: 'tok-aaaaaaaaaaaa',
      BERTH_SECRET_KEY: 'key-bbbbbbbbbbbb',
      POSTGRES_PASSWORD: 'pw-cccccccccccc',
      REDIS_PASSWORD: 'r=d=s',
    });
    expect(secretsFromFlags({})).toEqual({});
  });

  it('a malformed --secret is refused without echoing what may be the secret value', () => {
    for (const given of ['hunter2-is-my-password', '=hunter2-is-my-password']) {
      const e = errorOf(() => secretsFromFlags({ secret: [given] }));
      expect(e.message).toMatch(/^--secret: /);
      expect(e.message).not.toContain('hunter2');
      expect(e.exitCode).toBe(2);
    }
  });
});

describe('parseImageFlags', () => {
  it('reads component=ref', () => {
    expect(parseImageFlags(['postgres=registry.local/pg:17', 'redis=r/redis:7'])).toEqual({ postgres: 'registry.local/pg:17', redis: 'r/redis:7' });
    expect(parseImageFlags(undefined)).toEqual({});
  });

  it.each(['postgres', '=x:1', 'postgres='])('refuses %j', (item) => {
    expect(errorOf(() => parseImageFlags([item])).message).toBe(`--image: ${JSON.stringify(item)} is not component=image (e.g. postgres=registry.local/postgres:17.5)`);
  });
});
