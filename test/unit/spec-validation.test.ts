import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, resolveYaml, svc, written } from './_resolve.js';
import { COMPOSE_NGINX, renderBundle } from '../../src/render/compose/bundle.js';
import { renderCompose } from '../../src/render/compose/file.js';
import { nginxConf } from '../../src/render/nginx.js';
import { mustParseSize } from '../../src/util/size.js';
import type { ResolvedStack } from '../../src/model/stack.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** The nginx.conf of the stack's nginx service. */
function conf(s: ResolvedStack): string {
  const proxy = svc(s, 'nginx');
  if (proxy.config?.kind !== 'nginx') throw new Error('nginx has no nginx config');
  return nginxConf(s, proxy, proxy.config, COMPOSE_NGINX);
}

/** The error a stack.yaml gives: one line, a usage error (exit code 2). */
function usageError(text: string): string {
  const e = errorOf(() => resolveYaml(text));
  expect(e.exitCode).toBe(2);
  expect(e.message).not.toContain('\n');
  return e.message;
}

describe('bind: IPv4 with octets 0-255, or IPv6 without brackets', () => {
  const redis = (bind: string) => lines('services:', '  redis:', '    port: 7000', `    bind: ${JSON.stringify(bind)}`);

  it.each(['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.1.2.3', '::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1'])('%j is accepted', (bind) => {
    expect(svc(resolveYaml(redis(bind)), 'redis').ports).toEqual([{ host: 7000, container: 6379, bind }]);
  });

  it('IPv6 is rendered in brackets next to the ports, IPv4 as is', () => {
    expect(renderCompose(resolveYaml(redis('::1')))).toContain('ports: ["[::1]:7000:6379"]');
    expect(renderCompose(resolveYaml(redis('::')))).toContain('ports: ["[::]:7000:6379"]');
    expect(renderCompose(resolveYaml(redis('127.0.0.1')))).toMatch(/ports: \["?127\.0\.0\.1:7000:6379"?\]/);
  });

  it('an IPv6 address in brackets is refused, saying to drop them', () => {
    expect(usageError(redis('[::1]'))).toBe('services.redis.bind: "[::1]" is an IPv6 address in brackets; write it without them, like ::1');
  });

  it.each(['999.1.1.1', '256.0.0.0', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'localhost', '[foo]', ''])('%j is refused', (bind) => {
    expect(usageError(redis(bind))).toBe(`services.redis.bind: ${JSON.stringify(bind)} is not an IP address like 127.0.0.1 or 0.0.0.0`);
  });

  it.each([':', '1::2::3', ':::', 'fe80::1%eth0', '[::1', '::g'])('%j is refused as IPv6', (bind) => {
    expect(usageError(redis(bind))).toBe(`services.redis.bind: ${JSON.stringify(bind)} is not an IPv6 address; write one without brackets or zone, like ::1 or ::`);
  });
});

describe('volumes: a volume name or a host path as source', () => {
  const api = (...volumes: string[]) => lines('services:', '  api:', '    component: app', '    image: acme/api:1', `    volumes: ${JSON.stringify(volumes)}`);

  it('a source with a space is not a volume name', () => {
    expect(usageError(api('my vol:/x'))).toBe(
      'services.api.volumes.0: "my vol:/x" is not a valid mount: volume name "my vol" may only use letters, digits, _, . and - (starting with a letter or digit); rename it, or start a host path with /, ./ or ~/',
    );
    expect(usageError(api('data:/d', '-x:/y'))).toMatch(/^services\.api\.volumes\.1: "-x:\/y" is not a valid mount: volume name "-x" may only use/);
  });

  it('a source with / that does not start with /, . or ~ is neither; the fix is ./', () => {
    expect(usageError(api('data/sub:/z'))).toBe(
      'services.api.volumes.0: "data/sub:/z" is not a valid mount: data/sub is neither a volume name (no /) nor a host path; write ./data/sub for a path next to stack.yaml, or /data/sub for an absolute one',
    );
  });

  it("~user is not expanded, so it is refused", () => {
    expect(usageError(api('~bob/data:/data'))).toBe(
      'services.api.volumes.0: "~bob/data:/data" is not a valid mount: ~bob/data (another user\'s home) is not expanded; write the full path, or ~/ for your own home',
    );
  });

  it('a leading ~ is the home directory, not a directory next to stack.yaml', () => {
    const s = resolveYaml(api('~/data:/data', '~:/home-dir:ro'));
    expect(svc(s, 'api').mounts).toEqual([
      { type: 'bind', source: path.join(os.homedir(), 'data'), target: '/data', readOnly: false, givenAt: 'services.api.volumes' },
      { type: 'bind', source: os.homedir(), target: '/home-dir', readOnly: true, givenAt: 'services.api.volumes' },
    ]);
  });

  it('names stay named volumes; relative and absolute paths are bind mounts from the stack.yaml directory', () => {
    const s = resolveYaml(api('data_1.x-y:/d', './conf:/etc/conf:ro', '../shared:/s', '.cache:/c', '/srv/x:/x:rw'));
    expect(svc(s, 'api').mounts).toEqual([
      { type: 'volume', source: 'data_1.x-y', target: '/d', readOnly: false, givenAt: 'services.api.volumes', storage: { sizeMiB: 1024 } },
      { type: 'bind', source: '/tmp/spec/conf', target: '/etc/conf', readOnly: true, givenAt: 'services.api.volumes' },
      { type: 'bind', source: '/tmp/shared', target: '/s', readOnly: false, givenAt: 'services.api.volumes' },
      { type: 'bind', source: '/tmp/spec/.cache', target: '/c', readOnly: false, givenAt: 'services.api.volumes' },
      { type: 'bind', source: '/srv/x', target: '/x', readOnly: false, givenAt: 'services.api.volumes' },
    ]);
    expect(s.volumes).toContain('data_1.x-y');
  });

  it('workers and jobs check their volumes the same way', () => {
    expect(usageError(lines('services:', '  w:', '    component: worker', '    image: x/y:1', '    volumes: ["my vol:/x"]'))).toMatch(/^services\.w\.volumes\.0: "my vol:\/x" is not a valid mount/);
    expect(usageError(lines('services:', '  j:', '    component: job', '    image: x/y:1', '    volumes: ["data/sub:/z"]'))).toMatch(/^services\.j\.volumes\.0: "data\/sub:\/z" is not a valid mount/);
  });
});

describe('instances: at least one', () => {
  it('an empty map is refused instead of rendering no service', () => {
    expect(usageError(lines('services:', '  kato:', '    component: app', '    image: acme/kato:1', '    instances: {}'))).toBe(
      'services.kato.instances: empty, so no service would run; add at least one instance, like a: {port: 8001}, or remove instances:',
    );
  });

  it('one instance is enough', () => {
    const s = resolveYaml(lines('services:', '  kato:', '    component: app', '    image: acme/kato:1', '    instances:', '      a: {port: 8001}'));
    expect(svc(s, 'kato-a').ports).toEqual([{ host: 8001, container: 8000, bind: '0.0.0.0' }]);
  });
});

describe('nginx maxBodySize: nginx size syntax, rendered as given', () => {
  const stack = (value: string) => lines('services:', '  web: {}', '  nginx:', '    tls: false', `    maxBodySize: ${value}`);
  const rendered = (value: string) => {
    const s = resolveYaml(stack(value));
    return conf(s).split('\n').find((l) => l.includes('client_max_body_size'))!.trim();
  };

  it.each([
    ['1m', '1m'],
    ['512k', '512k'],
    ['2G', '2G'],
    ['0', '0'],
    ['"0"', '0'],
    ['1048576', '1048576'],
  ])('%s is client_max_body_size %s', (value, out) => {
    expect(rendered(value)).toBe(`client_max_body_size ${out};`);
  });

  it('defaults to 10m', () => {
    const s = resolveYaml(lines('services:', '  web: {}', '  nginx:', '    tls: false'));
    expect(conf(s)).toContain('client_max_body_size 10m;');
  });

  // [YAML value, how the error shows it]
  it.each([
    ['1.5g', '"1.5g"'],
    ['100MB', '"100MB"'],
    ['512MiB', '"512MiB"'],
    ['1t', '"1t"'],
    ['"10 m"', '"10 m"'],
    ['-1', '-1'],
    ['1.5', '1.5'],
  ])('%s is refused', (value, shown) => {
    expect(usageError(stack(value))).toBe(
      `services.nginx.maxBodySize: ${shown} is not an nginx size; use whole digits with an optional k, m or g, like 512k, 10m or 1g (0: no limit)`,
    );
  });

  it('a size beyond what nginx can hold is refused', () => {
    expect(usageError(stack('99999999999999999999g'))).toBe(
      'services.nginx.maxBodySize: "99999999999999999999g" is more than nginx accepts; use a smaller size like 10g, or 0 for no limit',
    );
  });
});

describe('nginx tls {cert, key}: host files relative to stack.yaml, bind-mounted', () => {
  const stack = (tls: string) => lines('services:', '  web: {}', '  nginx:', `    tls: ${tls}`);
  const certMounts = (tls: string) => svc(resolveYaml(stack(tls)), 'nginx').mounts.filter((m) => String(m.target).startsWith('/etc/nginx/certs'));

  it.each(['./certs/fullchain.pem', 'certs/fullchain.pem'])('%s resolves against the stack.yaml directory', (cert) => {
    expect(certMounts(`{cert: ${cert}, key: ./certs/privkey.pem}`)).toEqual([
      { type: 'bind', source: '/tmp/spec/certs/fullchain.pem', target: '/etc/nginx/certs/tls.crt', readOnly: true, givenAt: 'services.nginx.tls.cert' },
      { type: 'bind', source: '/tmp/spec/certs/privkey.pem', target: '/etc/nginx/certs/tls.key', readOnly: true, givenAt: 'services.nginx.tls.key' },
    ]);
  });

  it('absolute paths stay, ~/ is the home directory', () => {
    expect(certMounts('{cert: /etc/letsencrypt/live/x/fullchain.pem, key: "~/tls/privkey.pem"}').map((m) => (m.type === 'bind' ? m.source : undefined))).toEqual([
      '/etc/letsencrypt/live/x/fullchain.pem',
      path.join(os.homedir(), 'tls/privkey.pem'),
    ]);
  });

  it('are rendered as bind mounts of host paths, not named volumes', () => {
    const s = resolveYaml(stack('{cert: certs/fullchain.pem, key: certs/privkey.pem}'));
    const compose = renderCompose(s);
    expect(compose).toContain('/tmp/spec/certs/fullchain.pem:/etc/nginx/certs/tls.crt:ro');
    expect(compose).toContain('/tmp/spec/certs/privkey.pem:/etc/nginx/certs/tls.key:ro');
    expect(s.volumes.filter((v) => v.includes('certs'))).toEqual([]);
    // ./certs/... used to reach the bundle as a relative mount berth does not write (an internal error).
    expect(() => renderBundle(resolveYaml(stack('{cert: ./certs/fullchain.pem, key: ./certs/privkey.pem}')), '')).not.toThrow();
  });

  it('a path with : is refused', () => {
    expect(usageError(stack('{cert: "certs/a:b.pem", key: k.pem}'))).toBe(
      'services.nginx.tls.cert: "certs/a:b.pem" is not a usable path (Compose splits mounts at :); move the file to a path without :',
    );
  });
});

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
