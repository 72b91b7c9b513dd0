import { describe, expect, it } from 'vitest';
import { coversProfiles, runsUnder, settleProfiles } from '../../src/resolve/profiles.js';
import { parseEnv } from '../../src/render/env.js';
import { renderEnv } from '../../src/render/compose/env.js';
import { errorOf, resolveYaml, svc, writtenEnv } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('profile semantics', () => {
  it('runsUnder: no profiles always runs; else one must be active', () => {
    expect(runsUnder([], [])).toBe(true);
    expect(runsUnder(['a'], [])).toBe(false);
    expect(runsUnder(['a', 'b'], ['b'])).toBe(true);
  });

  it('coversProfiles: a provider runs whenever the consumer does', () => {
    expect(coversProfiles([], ['x'])).toBe(true);
    expect(coversProfiles(['x'], [])).toBe(false);
    expect(coversProfiles(['x', 'y'], ['x'])).toBe(true);
    expect(coversProfiles(['x'], ['x', 'y'])).toBe(false);
  });
});

describe('the profiles pass', () => {
  const services = [{ profiles: [] }, { profiles: ['obs'] }, { profiles: ['scale-2', 'obs'] }];

  it('keeps the requested profiles once each and knows every profile a service has', () => {
    expect(settleProfiles(services, ['obs', 'obs'])).toEqual({ active: ['obs'], known: ['obs', 'scale-2'], warnings: [] });
  });

  it('refuses a profile no service has, naming the known ones', () => {
    expect(errorOf(() => settleProfiles(services, ['ob'])).message).toBe('profiles: ob is not a profile of any service; known profiles: obs, scale-2');
  });

  it('warns when nothing runs under the active profiles', () => {
    expect(settleProfiles([{ profiles: ['obs'] }], []).warnings).toEqual(['no service runs under the active profiles (none); pass --profile to pick some']);
  });
});

describe('worker scale', () => {
  const yaml = lines(
    'services:',
    '  api:',
    '    component: app',
    '    image: registry.local/api:1',
    '  backtest:',
    '    component: worker',
    '    app: api',
    '    command: [python, -m, backtest]',
    '    port: 5003',
    '    scale: 3',
    '    env:',
    '      WORKER_PUBLIC_BASE_URL: http://workers:{{port}}',
    '      WORKER_ID: "{{name}}/{{instance}}/{{index}}"',
  );
  const s = resolveYaml(yaml);

  it('creates <name>-1..n; instance i runs under scale-i..scale-n; the first always runs', () => {
    expect(s.services.filter((x) => x.component === 'worker').map((x) => [x.name, x.profiles])).toEqual([
      ['backtest-1', []],
      ['backtest-2', ['scale-2', 'scale-3']],
      ['backtest-3', ['scale-3']],
    ]);
    expect(s.knownProfiles).toEqual(['scale-2', 'scale-3']);
  });

  it('gives sequential host ports and per-instance env', () => {
    expect([1, 2, 3].map((i) => svc(s, `backtest-${i}`).ports)).toEqual([
      [{ host: 5003, container: 5003, bind: '0.0.0.0' }],
      [{ host: 5004, container: 5004, bind: '0.0.0.0' }],
      [{ host: 5005, container: 5005, bind: '0.0.0.0' }],
    ]);
    expect(svc(s, 'backtest-2').environment.WORKER_PUBLIC_BASE_URL).toBe('http://workers:5004');
    expect(svc(s, 'backtest-3').environment.WORKER_ID).toBe('backtest-3/3/3');
    expect(svc(s, 'backtest-1').image).toBe('registry.local/api:1');
  });

  it('ports: gives each instance its own host port, one per instance', () => {
    const p = resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    scale: 2', '    ports: [7001, 7010]'));
    expect(svc(p, 'w-2').ports[0]!.host).toBe(7010);
    expect(errorOf(() => resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    scale: 3', '    ports: [7001]'))).message).toBe(
      'services.w.ports: gives 1 ports for scale 3; give one per instance',
    );
  });

  it('--profile scale-3 runs all three; COMPOSE_PROFILES in .env records the active profiles', () => {
    const active = resolveYaml(yaml, { profiles: ['scale-3'] });
    expect(active.profiles).toEqual(['scale-3']);
    expect(parseEnv(renderEnv(active)).COMPOSE_PROFILES).toBe('scale-3');
    expect(parseEnv(renderEnv(s)).COMPOSE_PROFILES).toBe('');
  });

  it('replicas and scale do not mix; replicas cannot share a host port', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    scale: 2', '    replicas: 2'))).message).toBe(
      'services.w: use either scale or replicas, not both',
    );
    expect(errorOf(() => resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    port: 9000', '    replicas: 2'))).message).toBe(
      'services.w.replicas: 2 replicas cannot share host port 9000; use scale: 2 for one port each, or drop port',
    );
  });
});

describe('active profiles', () => {
  const yaml = lines('profiles: [obs]', 'services:', '  postgres: {}', '  grafana:', '    profiles: [obs]', '  jaeger:', '    profiles: [tracing]');

  it('come from profiles: of the spec, or --profile, which replaces them', () => {
    expect(resolveYaml(yaml).profiles).toEqual(['obs']);
    expect(resolveYaml(yaml, { profiles: ['tracing'] }).profiles).toEqual(['tracing']);
    expect(resolveYaml(yaml, { profiles: ['tracing', 'obs', 'tracing'] }).profiles).toEqual(['tracing', 'obs']);
    expect(parseEnv(renderEnv(resolveYaml(yaml, { profiles: ['tracing', 'obs'] }))).COMPOSE_PROFILES).toBe('tracing,obs');
  });

  it('a profile no service uses is an error naming the known ones', () => {
    const e = errorOf(() => resolveYaml(yaml, { profiles: ['debug'] }));
    expect(e.message).toBe('profiles: debug is not a profile of any service; known profiles: obs, tracing');
    expect(e.exitCode).toBe(2);
    expect(errorOf(() => resolveYaml('profiles: [debug]\nservices:\n  postgres: {}\n')).message).toBe('profiles: debug is not a profile of any service; no service has profiles');
  });

  it('warns when nothing runs under the active profiles', () => {
    expect(resolveYaml('services:\n  grafana:\n    profiles: [obs]\n').warnings).toEqual(['no service runs under the active profiles (none); pass --profile to pick some']);
  });
});

describe('dependencies on profile-gated services', () => {
  it('dependsOn a gated service from one that can run without it is refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  redis:', '    profiles: [cache]', '  api:', '    component: app', '    image: x:1', '    dependsOn: [redis]')));
    expect(e.message).toBe('services.api: depends on redis, which only runs under profile cache; give api the same profiles, or take them off redis');
  });

  it('uses: a gated datastore from one that can run without it is refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  redis:', '    profiles: [cache]', '  api:', '    component: app', '    image: x:1', '    uses: [redis]')));
    expect(e.message).toBe('services.api.uses: redis only runs under profile cache, but api can run without it; give api the same profiles, or take them off redis');
  });

  it('without uses:, a gated datastore is simply not wired into an ungated consumer', () => {
    const s = resolveYaml(lines('services:', '  redis:', '    profiles: [cache]', '  api:', '    component: app', '    image: x:1'));
    expect(svc(s, 'api').dependsOn).toEqual({});
    expect(svc(s, 'api').environment.REDIS_URL).toBeUndefined();
  });

  it('a consumer with the same profiles gets it', () => {
    const s = resolveYaml(lines('services:', '  redis:', '    profiles: [cache]', '  api:', '    component: app', '    image: x:1', '    profiles: [cache]'));
    expect(svc(s, 'api').dependsOn).toEqual({ redis: 'ready' });
  });

  it('a dependency on a later scale instance from an always-running service is refused', () => {
    const e = errorOf(() =>
      resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    scale: 2', '  nginx:', '    dependsOn: [w]')),
    );
    expect(e.message).toBe('services.nginx: depends on w-2, which only runs under profile scale-2; give nginx the same profiles, or take them off w-2');
  });

  it('exporters of always-running datastores run with profile-gated collectors', () => {
    const s = resolveYaml(lines('services:', '  postgres: {}', '  prometheus:', '    profiles: [obs]'));
    expect(svc(s, 'postgres-exporter').profiles).toEqual(['obs']);
    const gated = resolveYaml(lines('services:', '  postgres:', '    profiles: [db]', '  prometheus: {}'));
    expect(svc(gated, 'postgres-exporter').profiles).toEqual(['db']);
  });
});

describe('app instances', () => {
  const yaml = lines(
    'services:',
    '  postgres: {}',
    '  api:',
    '    component: app',
    '    image: registry.local/api:1',
    '    containerPort: 8000',
    '    env:',
    '      PUBLIC_URL: http://host:{{port}}/{{instance}}',
    '      NAME: "{{name}}"',
    '    instances:',
    '      eu:',
    '        port: 8001',
    '        env: {REGION: eu-west}',
    '      us:',
    '        port: 8002',
    '        memory: 1g',
    '        profiles: [us]',
  );
  const s = resolveYaml(yaml);

  it('each instance is its own service with its own port, env, memory and profiles', () => {
    const eu = svc(s, 'api-eu');
    const us = svc(s, 'api-us');
    expect(eu.ports).toEqual([{ host: 8001, container: 8000, bind: '0.0.0.0' }]);
    expect(us.ports).toEqual([{ host: 8002, container: 8000, bind: '0.0.0.0' }]);
    expect(writtenEnv(eu)).toMatchObject({ PUBLIC_URL: 'http://host:8001/eu', NAME: 'api-eu', REGION: 'eu-west', DATABASE_URL: 'postgresql://app:${POSTGRES_PASSWORD}@postgres:5432/app' });
    expect(us.environment.PUBLIC_URL).toBe('http://host:8002/us');
    expect(us.environment.REGION).toBeUndefined();
    expect(eu.memoryMiB).toBe(512);
    expect(us.memoryMiB).toBe(1024);
    expect(us.profiles).toEqual(['us']);
    expect(eu.dependsOn).toEqual({ postgres: 'ready' });
    expect(s.services.some((x) => x.name === 'api')).toBe(false);
  });

  it('dependsOn the app expands to every instance', () => {
    const d = resolveYaml(yaml.replace('    containerPort: 8000\n', '    containerPort: 8000\n') + '  nginx:\n    profiles: [us]\n    dependsOn: [api]\n');
    expect(Object.keys(svc(d, 'nginx').dependsOn).sort()).toEqual(['api-eu', 'api-us']);
  });

  it('two instances on one host port are refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  api:', '    component: app', '    image: x:1', '    instances:', '      a: {port: 8001}', '      b: {port: 8001}')));
    expect(e.message).toMatch(/host port 8001 is already published by api-a in this stack; give one of them another port$/);
  });

  it('instances and replicas do not mix', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  api:', '    component: app', '    image: x:1', '    replicas: 2', '    instances:', '      a: {port: 8001}'))).message).toBe(
      'services.api: use either instances or replicas, not both',
    );
  });

  it('an instance name that collides with another service is refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  api:', '    component: app', '    image: x:1', '    instances:', '      db: {}', '  api-db:', '    component: postgres')));
    expect(e.message).toBe('services.api-db: two services would both be named api-db (instances, scale and exporters add names); rename one');
  });
});

describe('scaled workers and profiles', () => {
  it('cannot be combined: Compose has no "x and scale-2"', () => {
    const e = errorOf(() => resolveYaml('services:\n  redis: {profiles: [x]}\n  w: {component: worker, image: x/y:1, scale: 2, profiles: [x]}\n'));
    expect(e.message).toBe('services.w.profiles: instance 2 of a scaled worker runs under scale-2 alone, so other profiles cannot apply; drop profiles, or use replicas');
  });
});
