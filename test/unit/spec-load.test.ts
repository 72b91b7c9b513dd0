import { describe, expect, it } from 'vitest';
import { parseSpecText, validateSpec } from '../../src/resolve/spec.js';
import { errorOf } from './_resolve.js';

const fail = (text: string) => errorOf(() => parseSpecText(text));

describe('stack.yaml: accepted specs', () => {
  it('binds each service to its component: by name, or by component:', () => {
    const spec = parseSpecText(['version: 1', 'services:', '  postgres: {}', '  cache:', '    component: redis', '  api:', '    component: app', '    image: registry.local/api:1.0', ''].join('\n'));
    expect(spec.services.map((s) => [s.name, s.def.name])).toEqual([
      ['postgres', 'postgres'],
      ['cache', 'redis'],
      ['api', 'app'],
    ]);
  });

  it('takes an empty service (null) as no options', () => {
    const spec = parseSpecText('services:\n  redis:\n');
    expect(spec.services[0]!.options).toEqual({});
  });

  it('keeps the top-level keys', () => {
    const spec = parseSpecText('description: demo\nprofiles: [obs]\nmemoryBudget: 7.7g\nimages:\n  postgres: r.local/pg:17\nvars:\n  LOG_LEVEL: debug\nservices:\n  postgres:\n    profiles: [obs]\n');
    expect(spec.raw.description).toBe('demo');
    expect(spec.raw.profiles).toEqual(['obs']);
    expect(spec.raw.memoryBudget).toBe('7.7g');
    expect(spec.raw.images).toEqual({ postgres: 'r.local/pg:17' });
    expect(spec.raw.vars).toEqual({ LOG_LEVEL: 'debug' });
  });

  it('accepts image keys of variants and exporters', () => {
    expect(() => parseSpecText('images:\n  timescaledb: r/ts:1\n  postgres-exporter: r/pe:1\nservices:\n  postgres: {}\n')).not.toThrow();
  });

  it('validateSpec takes a parsed object (what the flags build)', () => {
    const spec = validateSpec({ version: 1, services: { web: { port: 8080 } } });
    expect(spec.services[0]!.options).toEqual({ port: 8080 });
  });
});

describe('stack.yaml: unknown keys', () => {
  it('a misspelt service option names the key path, suggests the key and lists the valid ones', () => {
    const e = fail('services:\n  postgres:\n    prot: 5433\n');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^services\.postgres\.prot: unknown key; did you mean port\? valid keys here: component, image, port, /);
    expect(e.message).toContain('maxConnections');
  });

  it('a misspelt top-level key is reported as unknown (not as services missing), with a suggestion', () => {
    const e = fail('servics:\n  postgres: {}\n');
    expect(e.message).toBe('servics: unknown key; did you mean services? valid keys here: version, description, profiles, memoryBudget, images, vars, secretsFromEnv, secrets, network, nodes, services');
  });

  it('an unknown top-level key next to services', () => {
    expect(fail('servises: 1\nservices:\n  redis: {}\n').message).toMatch(/^servises: unknown key; did you mean services\? /);
    expect(fail('memoryBudgett: 1g\nservices:\n  redis: {}\n').message).toMatch(/^memoryBudgett: unknown key; did you mean memoryBudget\? /);
  });

  it('nested unknown keys name the full path and suggest the key', () => {
    const h = fail('services:\n  api:\n    component: app\n    image: x:1\n    healthcheck:\n      intervl: 5s\n');
    expect(h.message).toBe('services.api.healthcheck.intervl: unknown key; did you mean interval? valid keys here: interval, timeout, retries, startPeriod');
    const i = fail('services:\n  api:\n    component: app\n    image: x:1\n    instances:\n      a:\n        prot: 8001\n');
    expect(i.message).toBe('services.api.instances.a.prot: unknown key; did you mean port? valid keys here: port, env, memory, profiles');
    const b = fail('services:\n  api:\n    component: app\n    build:\n      context: .\n      dockerfil: Dockerfile\n');
    // build is a union (path or map): the union's own message names the forms it takes.
    expect(b.message).toBe('services.api.build must be a build context path, or {context, dockerfile, target, args}, got a map');
  });

  it('options of another component are unknown here', () => {
    expect(fail('services:\n  redis:\n    database: x\n').message).toMatch(/^services\.redis\.database: unknown key; valid keys here: /);
  });

  it('external is for datastores only', () => {
    expect(fail('services:\n  prometheus:\n    external: prom:9090\n').message).toMatch(/^services\.prometheus\.external: unknown key/);
  });
});

describe('stack.yaml: unknown components', () => {
  it('a service named after no component suggests the closest one', () => {
    expect(fail('services:\n  postgress: {}\n').message).toBe(
      'services.postgress: "postgress" is not a catalog component; did you mean postgres? set component: <name> (berth catalog lists them)',
    );
  });

  it('an unknown component: names the key', () => {
    expect(fail('services:\n  db:\n    component: postgre\n').message).toBe('services.db.component: unknown component "postgre"; did you mean postgres? berth catalog lists them');
  });

  it('exporters are not components of their own', () => {
    expect(fail('services:\n  postgres-exporter: {}\n').message).toMatch(/^services\.postgres-exporter: "postgres-exporter" is not a catalog component/);
  });

  it('images: keys must be components', () => {
    expect(fail('images:\n  postgress: x/y:1\nservices:\n  postgres: {}\n').message).toMatch(/^images\.postgress: unknown component; did you mean postgres\? images are keyed by component: postgres, /);
  });
});

describe('stack.yaml: bad values name the key path', () => {
  it.each([
    ['services:\n  postgres:\n    port: 70000\n', 'services.postgres.port: 70000 is not a port (1-65535)'],
    ['services:\n  postgres:\n    port: 0\n', 'services.postgres.port: 0 is not a port (1-65535)'],
    ['services:\n  postgres:\n    port: 80.5\n', 'services.postgres.port: 80.5 is not a port (1-65535)'],
    ['services:\n  postgres:\n    port: "8080"\n', 'services.postgres.port: "8080" is not a port (1-65535) or false'],
    ['services:\n  postgres:\n    memory: 512x\n', 'services.postgres.memory: "512x" is not a size; use a number with a unit, like 512m or 1.5g'],
    ['memoryBudget: abc\nservices:\n  postgres: {}\n', 'memoryBudget: "abc" is not a size; use a number with a unit, like 512m or 1.5g'],
    ['version: 2\nservices:\n  postgres: {}\n', 'version must be 1, got 2'],
    ['services:\n  postgres:\n    variant: mysql\n', 'services.postgres.variant must be postgres or timescaledb, got "mysql"'],
    ['services:\n  postgres:\n    profiles: debug\n', 'services.postgres.profiles must be a list of profile names, got "debug"'],
    ['services:\n  api:\n    component: app\n    image: x:1\n    instances:\n      a:\n        port: 99999\n', 'services.api.instances.a.port: 99999 is not a port (1-65535)'],
    ['services:\n  api:\n    component: app\n    image: x:1\n    env:\n      1BAD: x\n', 'services.api.env.1BAD: "1BAD" is not a valid environment variable name'],
    ['images:\n  postgres: "bad image"\nservices:\n  postgres: {}\n', 'images.postgres: "bad image" is not an image reference like registry.example.com/postgres:17.2 (a lowercase name, then :tag or @sha256:digest)'],
    ['services:\n  postgres:\n    bind: localhost\n', 'services.postgres.bind: "localhost" is not an IP address like 127.0.0.1 or 0.0.0.0'],
    ['services:\n  prometheus:\n    retention: forever\n', 'services.prometheus.retention: "forever" is not a duration; use a number with a unit, like 15s, 5m or 30d'],
  ])('%j', (text, message) => {
    const e = fail(text);
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(2);
  });

  it('a memory limit below what Docker accepts (6m) is refused', () => {
    expect(fail('services:\n  redis:\n    memory: 1k\n').message).toMatch(/^services\.redis\.memory: "1k" /);
    expect(fail('services:\n  redis:\n    memory: 0.5\n').message).toMatch(/^services\.redis\.memory: 0\.5 /);
    expect(() => parseSpecText('services:\n  redis:\n    memory: 6m\n')).not.toThrow();
  });

  it('service names follow the name rule', () => {
    expect(fail('services:\n  Bad_Name:\n    component: postgres\n').message).toBe(
      'services.Bad_Name: not a valid service name; use lowercase letters, digits, - and _ (starting with a letter or digit)',
    );
  });

  it('services must be a non-empty map', () => {
    expect(fail('services: {}\n').message).toMatch(/^services needs at least one service/);
    expect(fail('services:\n  - postgres\n').message).toMatch(/^services: expected a map \(key: value lines\), got a list; /);
    expect(fail('services:\n  postgres: yes\n').message).toBe('services.postgres must be a map of options (or empty), got "yes"');
  });

  it('a list where a map belongs is refused, not read by index', () => {
    expect(fail('services:\n  api:\n    component: app\n    image: x:1\n    labels: [a, b]\n').message).toBe('services.api.labels: expected a map (key: value lines), got a list; write it as a map');
  });

  it('a missing services: says so and how to fix it', () => {
    expect(fail('version: 1\n').message).toMatch(/^services: missing; /);
  });
});

describe('stack.yaml: YAML syntax', () => {
  it('names the file, line and column', () => {
    const e = errorOf(() => parseSpecText('services:\n  postgres: {\n', 'stack.yaml'));
    expect(e.message).toMatch(/^stack\.yaml:\d+:\d+: Flow map .*; fix the YAML syntax$/);
    const indent = errorOf(() => parseSpecText('services:\n  postgres:\n    port: 1\n   bad: [\n', 'stack.yaml'));
    expect(indent.message).toMatch(/^stack\.yaml:\d+:\d+: /);
    expect(e.message).not.toContain('\n');
  });

  it('refuses duplicate keys with their position', () => {
    const e = errorOf(() => parseSpecText('services:\n  postgres: {}\n  postgres: {}\n', 'my.yaml'));
    expect(e.message).toMatch(/^my\.yaml:3:3: Map keys must be unique; fix the YAML syntax$/);
  });

  it('an empty file or a scalar is not a spec', () => {
    expect(errorOf(() => parseSpecText('')).message).toBe('stack.yaml: expected a map with services:, got an empty file');
    expect(errorOf(() => parseSpecText('hello\n')).message).toBe('stack.yaml: expected a map with services:, got a string');
  });

  it('refuses a list at the top', () => {
    expect(errorOf(() => parseSpecText('- a\n')).message).toMatch(/^stack\.yaml: expected a map with services:/);
  });
});

describe('stack.yaml that is not a map of services', () => {
  it('a list, a scalar, and an alias bomb are usage errors', () => {
    expect(errorOf(() => parseSpecText('- a\n- b\n')).message).toBe('stack.yaml: expected a map with services:, got a list');
    expect(errorOf(() => parseSpecText('hello\n')).message).toBe('stack.yaml: expected a map with services:, got a string');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    const e = errorOf(() => parseSpecText(bomb + '\n'));
    expect(e.message).toMatch(/^stack\.yaml: .*alias.*; use fewer YAML aliases/i);
    expect(e.exitCode).toBe(2);
  });
});

describe('stack.yaml: every issue at once', () => {
  it('reports the first line with how many more, and lists every issue with its key path', () => {
    const e = errorOf(() =>
      parseSpecText(['version: 2', 'services:', '  postgres:', '    port: 70000', '    memory: 512x', '  redis:', '    prot: 1', '  postgress: {}', ''].join('\n')),
    ) as { message: string; exitCode: number; path?: string; issues?: { path?: string; message: string }[] };
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('version must be 1, got 2 (and 4 more)');
    expect(e.path).toBe('version');
    expect(e.issues!.map((i) => i.path)).toEqual(['version', 'services.postgres.port', 'services.postgres.memory', 'services.redis.prot', 'services.postgress']);
    expect(e.issues![1]!.message).toBe('70000 is not a port (1-65535)');
    expect(e.issues![3]!.message).toMatch(/^unknown key; did you mean port\? /);
  });

  it('one issue per key path: a value that breaks several rules is reported once', () => {
    const e = errorOf(() => parseSpecText('services:\n  redis:\n    memory: abc\n')) as { message: string; issues?: unknown[] };
    expect(e.message).toBe('services.redis.memory: "abc" is not a size; use a number with a unit, like 512m or 1.5g');
    expect(e.issues).toHaveLength(1);
  });

  it('a misspelt key is reported, not also the key it was meant to be', () => {
    const e = errorOf(() => parseSpecText('servics:\n  postgres: {}\n')) as { issues?: { path?: string }[] };
    expect(e.issues!.map((i) => i.path)).toEqual(['servics']);
  });
});
