import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveYaml, svc } from './_resolve.js';
import { renderBundle } from '../../src/render/compose/bundle.js';
import { renderCompose } from '../../src/render/compose/file.js';
import { conf, lines, usageError } from './_spec-validation.js';


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
