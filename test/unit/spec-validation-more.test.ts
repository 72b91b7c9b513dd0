import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc, written } from './_resolve.js';
import { renderCompose } from '../../src/render/compose/file.js';
import { mustParseSize } from '../../src/util/size.js';
import { conf, lines, usageError } from './_spec-validation.js';

describe('healthcheck: timing in ms, s, m or h', () => {
  const redis = (h: string) => lines('services:', '  redis:', `    healthcheck: ${h}`);

  it('ms, s, m and h reach the probe', () => {
    const s = resolveYaml(redis('{interval: 500ms, timeout: 5s, startPeriod: 1m}'));
    expect(svc(s, 'redis').probe).toMatchObject({ intervalMs: 500, timeoutMs: 5000, startPeriodMs: 60_000, retries: 3 });
    expect(renderCompose(s)).toContain('interval: 500ms\n      timeout: 5s\n      retries: 3\n      start_period: 60s\n');
    expect(svc(resolveYaml(redis('{interval: 1h}')), 'redis').probe).toMatchObject({ intervalMs: 3_600_000 });
  });

  it.each([
    ['interval', '1d'],
    ['timeout', '2w'],
    ['startPeriod', '1y'],
    ['interval', '1.5s'],
    ['timeout', '10'],
  ])('%s: %s is refused', (key, value) => {
    expect(usageError(redis(`{${key}: "${value}"}`))).toBe(
      `services.redis.healthcheck.${key}: "${value}" is not a health-check duration; use a whole number with ms, s, m or h, like 500ms, 5s or 1m`,
    );
  });

  it('a bare number is refused', () => {
    expect(usageError(redis('{interval: 5}'))).toBe('services.redis.healthcheck.interval must be a duration like 500ms, 5s or 1m, got 5');
  });

  it('retention durations elsewhere still take d, w and y', () => {
    expect(() => resolveYaml(lines('services:', '  prometheus:', '    retention: 30d'))).not.toThrow();
  });
});

describe('sizes: at most 16t', () => {
  const msg = (where: string, input: string) => `${where}: ${input} is more than 16t, the largest size berth accepts; use a size like 512m or 64g`;

  it('memory', () => {
    expect(usageError(lines('services:', '  redis:', '    memory: 99999999999999999999t'))).toBe(msg('services.redis.memory', '"99999999999999999999t"'));
    expect(usageError(lines('services:', '  redis:', '    memory: 16385g'))).toBe(msg('services.redis.memory', '"16385g"'));
    expect(usageError(lines('services:', '  redis:', '    memory: 1e30'))).toBe(msg('services.redis.memory', '1e+30'));
  });

  it('16t itself is accepted', () => {
    expect(svc(resolveYaml(lines('services:', '  redis:', '    memory: 16t')), 'redis').memoryMiB).toBe(16 * 1024 * 1024);
  });

  it('memoryBudget and instance memory', () => {
    expect(usageError(lines('memoryBudget: 20t', 'services:', '  redis: {}'))).toBe(msg('memoryBudget', '"20t"'));
    expect(usageError(lines('services:', '  api:', '    component: app', '    image: x/y:1', '    instances:', '      a: {memory: 17t}'))).toBe(
      msg('services.api.instances.a.memory', '"17t"'),
    );
  });

  it('--memory-budget', () => {
    const e = errorOf(() => mustParseSize('17t', '--memory-budget'));
    expect(e.message).toBe(msg('--memory-budget', '"17t"'));
    expect(e.exitCode).toBe(2);
    expect(mustParseSize('16t', '--memory-budget')).toBe(16 * 1024 ** 4);
  });
});

describe('options that cannot apply are refused, not ignored', () => {
  it('container options on an external datastore', () => {
    expect(errorOf(() => resolveYaml('services:\n  postgres: {external: db.lan:5432, memory: 2g}\n')).message).toBe(
      'services.postgres.memory: postgres is external (no container runs for it), so memory does not apply; drop it',
    );
  });

  it('a port on a job', () => {
    expect(errorOf(() => resolveYaml('services:\n  seed: {component: job, image: x/y:1, port: 8000}\n')).message).toBe(
      'services.seed.port: a job runs once and serves nothing, so it publishes no port; drop port',
    );
  });

  it('influxdb retention 0 keeps forever, as documented', () => {
    expect(svc(resolveYaml('services:\n  influxdb: {retention: 0}\n'), 'influxdb').environment.DOCKER_INFLUXDB_INIT_RETENTION).toBe('0');
  });
});

describe('network:', () => {
  const compose = (net: string) => renderCompose(resolveYaml(`network: ${net}\nservices:\n  redis: {}\n`));
  it('names the default network and sets its range, or joins one that exists', () => {
    expect(compose('{name: kato-network, subnet: 172.28.0.0/16, gateway: 172.28.0.1}')).toContain(
      'networks:\n  default:\n    name: kato-network\n    ipam:\n      config:\n        - subnet: 172.28.0.0/16\n          gateway: 172.28.0.1\n    labels:\n      dev.berth.stack: test\n',
    );
    expect(compose('{name: shared, external: true}')).toContain('networks:\n  default:\n    name: shared\n    external: true\n');
  });

  it.each([
    ['{subnet: 172.28.0.0}', 'network.subnet: "172.28.0.0" is not a network like 172.28.0.0/16 (IPv4, prefix /8 to /30)'],
    ['{external: true}', 'network.name: external: true joins a network that exists; name it'],
    ['{name: x, external: true, subnet: 10.1.0.0/16}', 'network.subnet: an external network has its own; drop it'],
    ['{gateway: 10.0.0.1}', 'network.gateway: needs subnet too'],
    ['{driver: overlay}', 'network.driver: unknown key'],
  ])('%s is refused', (net, message) => {
    const e = errorOf(() => resolveYaml(`network: ${net}\nservices:\n  redis: {}\n`));
    expect(e.message.startsWith(message), e.message).toBe(true);
    expect(e.exitCode).toBe(2);
  });
});

describe('hardening: user, readOnly, noNewPrivileges', () => {
  it('render as Compose user, read_only with /tmp in memory, and security_opt; workers of the app inherit them', () => {
    const stack = resolveYaml('services:\n  api: {component: app, image: x/y:1, user: "1000:1000", readOnly: true, noNewPrivileges: true}\n  w: {component: worker, app: api, command: [run], readOnly: false}\n');
    const compose = renderCompose(stack);
    expect(compose).toContain('    user: 1000:1000\n    read_only: true\n    tmpfs:\n      - /tmp\n    security_opt: [no-new-privileges:true]\n');
    expect(svc(stack, 'w')).toMatchObject({ user: '1000:1000', readOnly: undefined, noNewPrivileges: true });
  });

  it('a bad user is refused', () => {
    expect(errorOf(() => resolveYaml('services:\n  api: {component: app, image: x/y:1, user: "root; rm"}\n')).message).toBe('services.api.user must be a user like 1000, 1000:1000 or app, got "root; rm"');
  });
});

describe('image: the Docker reference grammar', () => {
  const image = (ref: string) => lines('vars:', '  IMAGE_TAG: "1"', '  REGISTRY: r.io', '  IMAGE: api:1', 'services:', '  api:', '    component: app', `    image: ${JSON.stringify(ref)}`);
  const digest = `sha256:${'a'.repeat(64)}`;

  it.each([
    'postgres',
    'nginx:1.27.5-alpine',
    'registry.example.com/postgres:17.2',
    'localhost:5000/team/api:v1_2',
    '[::1]:5000/api',
    'a__b/c-d---e.f:_x',
    `api@${digest}`,
    `api:1@${digest}`,
    'ghcr.io/acme/api:${IMAGE_TAG}',
    '${REGISTRY}/api:1',
    '${IMAGE}',
  ])('%s is accepted', (ref) => {
    expect(written(svc(resolveYaml(image(ref)), 'api').image)).toBe(ref);
  });

  it.each(['x/a::::', '-x', 'x:', 'x/', '/x', 'a//b', 'a/B', 'x..y', 'x_-y', 'x:1:2', `x:${'a'.repeat(129)}`, 'x@sha256:abc', `x@md5:${'a'.repeat(64)}`, 'a b', 'a$'])(
    '%s is refused, naming the key',
    (ref) => {
      expect(usageError(image(ref))).toBe(`services.api.image: ${JSON.stringify(ref)} is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)`);
    },
  );
});

describe('nginx: HTTP redirects to the published HTTPS port', () => {
  const redirect = (extra: string[]) => {
    const s = resolveYaml(lines('services:', '  web: {}', '  nginx:', ...extra));
    return conf(s).split('\n').find((l) => l.includes('return 301'))!.trim();
  };

  it('443 needs no port in the URL', () => {
    expect(redirect(['    port: 80'])).toBe('return 301 https://$host$request_uri;');
  });

  it('another httpsPort is kept', () => {
    expect(redirect(['    port: 8080', '    httpsPort: 8443'])).toBe('return 301 https://$host:8443$request_uri;');
  });
});
