import { describe, expect, it } from 'vitest';
import { scanInterpolation } from '../../src/spec/interpolation.js';
import { errorOf, resolveYaml, svc } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const app = (name: string, ...extra: string[]) => [`  ${name}:`, '    component: app', '    image: x:1', ...extra];

describe('dependency graph', () => {
  it('refuses a cycle, naming it', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('a', '    dependsOn: [b]'), ...app('b', '    dependsOn: [a]'))));
    expect(e.message).toBe('dependency cycle: a -> b -> a; remove one of these dependencies (dependsOn, uses or before)');
    expect(e.exitCode).toBe(2);
  });

  it('refuses a longer cycle', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('a', '    dependsOn: [b]'), ...app('b', '    dependsOn: [c]'), ...app('c', '    dependsOn: [a]'))));
    expect(e.message).toBe('dependency cycle: a -> b -> c -> a; remove one of these dependencies (dependsOn, uses or before)');
  });

  it('finds cycles made by a job that gates the service it depends on', () => {
    const e = errorOf(() =>
      resolveYaml(lines('services:', ...app('api'), '  migrate:', '    component: job', '    image: m:1', '    command: migrate', '    dependsOn: [api]')),
    );
    expect(e.message).toBe('dependency cycle: api -> migrate -> api; remove one of these dependencies (dependsOn, uses or before)');
  });

  it('refuses a dependency on itself or on an unknown service', () => {
    expect(errorOf(() => resolveYaml(lines('services:', ...app('a', '    dependsOn: [a]')))).message).toBe('services.a.dependsOn: a service cannot depend on itself');
    expect(errorOf(() => resolveYaml(lines('services:', '  redis: {}', ...app('a', '    dependsOn: [nope]')))).message).toBe(
      'services.a.dependsOn: nope is not a service in this stack; use one of a, redis',
    );
  });

  it('sets the condition from the target: healthy when it has a healthcheck, started when not', () => {
    const s = resolveYaml(lines('services:', ...app('plain'), ...app('probed', '    health: /health'), ...app('a', '    dependsOn: [plain, probed]')));
    expect(svc(s, 'a').dependsOn).toEqual({ plain: 'started', probed: 'ready' });
  });

  it('a diamond is not a cycle', () => {
    expect(() =>
      resolveYaml(lines('services:', '  postgres: {}', ...app('a', '    dependsOn: [b, c]'), ...app('b', '    dependsOn: [d]'), ...app('c', '    dependsOn: [d]'), ...app('d'))),
    ).not.toThrow();
  });
});

describe('${VAR} references', () => {
  it('scanInterpolation finds ${X}, ${X:-d}, $X and skips $$', () => {
    expect(scanInterpolation('${A} $B ${C:-x} ${D-y} ${E:?err} $$F $${G} $$$H').refs).toEqual(['A', 'B', 'C', 'D', 'E', 'H']);
    expect(scanInterpolation('no refs, 100$ and $1').refs).toEqual([]);
  });

  it('an undefined variable in env is an error naming the key path', () => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('api', '    env:', '      FOO: ${NOPE}'))));
    expect(e.message).toBe('services.api.env.FOO: ${NOPE} is not defined; define it under vars: in stack.yaml, or write $$ for a literal dollar');
    expect(e.exitCode).toBe(2);
  });

  it('in command, entrypoint and image too', () => {
    expect(errorOf(() => resolveYaml(lines('services:', ...app('api', '    command: [run, $MISSING]')))).message).toMatch(/^services\.api\.command: \$\{MISSING\} is not defined; /);
    expect(errorOf(() => resolveYaml(lines('services:', ...app('api', '    entrypoint: "exec ${EP}"')))).message).toMatch(/^services\.api\.entrypoint: \$\{EP\} is not defined; /);
    expect(errorOf(() => resolveYaml(lines('services:', '  api:', '    component: app', '    image: registry/${TAG}'))).message).toMatch(/^services\.api\.image: \$\{TAG\} is not defined; /);
  });

  it('vars:, secrets and COMPOSE_ variables are defined; $$ is a literal', () => {
    const s = resolveYaml(
      lines(
        'vars:',
        '  TAG: "1.2"',
        '  LOG_LEVEL: debug',
        'services:',
        '  postgres: {}',
        '  api:',
        '    component: app',
        '    image: registry/api:${TAG}',
        '    env:',
        '      LEVEL: ${LOG_LEVEL}',
        '      PW: ${POSTGRES_PASSWORD}',
        '      PROJECT: ${COMPOSE_PROJECT_NAME}',
        '      PRICE: 5$$',
      ),
    );
    const api = svc(s, 'api');
    expect(api.image).toEqual(['registry/api:', { var: 'TAG' }]);
    // A variable the user wrote that names a secret refers to the secret; $$ is one dollar.
    expect(api.environment).toMatchObject({ PW: [{ secret: 'POSTGRES_PASSWORD' }], PROJECT: [{ var: 'COMPOSE_PROJECT_NAME' }], PRICE: '5$' });
    expect(s.vars).toEqual({ TAG: '1.2', LOG_LEVEL: 'debug' });
  });

  it("an app's own secrets: are defined", () => {
    expect(() => resolveYaml(lines('services:', ...app('api', '    secrets: [JWT_SECRET]', '    env:', '      TOKEN: ${JWT_SECRET}')))).not.toThrow();
  });
});

describe('${VAR} references everywhere Compose interpolates', () => {
  it.each([
    ['health command', ['    health:', '      command: "curl -f $HEALTH_URL"'], 'services.api.health: ${HEALTH_URL} is not defined'],
    ['labels', ['    labels:', '      team: ${TEAM}'], 'services.api.labels.team: ${TEAM} is not defined'],
    ['volumes', ['    volumes: ["/srv/${DATA_DIR}:/data"]'], 'services.api.volumes: ${DATA_DIR} is not defined'],
    ['build args', ['    build:', '      context: .', '      args:', '        VERSION: ${VERSION}'], 'services.api.build.args.VERSION: ${VERSION} is not defined'],
  ])('%s', (_what, extra, message) => {
    const e = errorOf(() => resolveYaml(lines('services:', ...app('api', ...extra))));
    expect(e.message).toBe(`${message}; define it under vars: in stack.yaml, or write $$ for a literal dollar`);
  });

  it('$$ in a health command is a literal dollar for the container shell', () => {
    expect(() => resolveYaml(lines('services:', ...app('api', '    health:', '      command: "test -n $$HOSTNAME"')))).not.toThrow();
  });
});
