import { describe, expect, it } from 'vitest';
import { checkPorts, publishedPorts } from '../../src/resolve/ports.js';
import { errorOf, resolveYaml, svc } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('ports inside one stack', () => {
  it('datastores bind 127.0.0.1, berth and observability services 0.0.0.0, unless bind: says otherwise', () => {
    const s = resolveYaml(lines('services:', '  postgres:', '    port: 5432', '  web:', '    port: 8080', '  redis:', '    port: 6379', '    bind: 0.0.0.0'));
    expect(svc(s, 'postgres').ports).toEqual([{ host: 5432, container: 5432, bind: '127.0.0.1' }]);
    expect(svc(s, 'web').ports).toEqual([{ host: 8080, container: 8080, bind: '0.0.0.0' }]);
    expect(svc(s, 'redis').ports).toEqual([{ host: 6379, container: 6379, bind: '0.0.0.0' }]);
  });

  it('no port: publishes nothing', () => {
    expect(svc(resolveYaml('services:\n  postgres: {}\n'), 'postgres').ports).toEqual([]);
    expect(svc(resolveYaml('services:\n  web:\n    port: false\n'), 'web').ports).toEqual([]);
  });

  it('a host port used twice is an error naming the service and the fix', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  postgres:', '    port: 8080', '  web:', '    port: 8080')));
    expect(e.message).toBe('services.web: host port 8080 is already published by postgres in this stack; give one of them another port');
    expect(e.exitCode).toBe(2);
  });

  it('the same port on two distinct addresses is fine, on 0.0.0.0 and another address is not', () => {
    expect(() => resolveYaml(lines('services:', '  postgres:', '    port: 7000', '    bind: 127.0.0.1', '  redis:', '    port: 7000', '    bind: 10.0.0.5'))).not.toThrow();
    expect(() => resolveYaml(lines('services:', '  postgres:', '    port: 7000', '    bind: 0.0.0.0', '  redis:', '    port: 7000', '    bind: 10.0.0.5'))).toThrow(/host port 7000 is already published by postgres/);
  });

  it('worker scale ports collide with other services too', () => {
    const e = errorOf(() =>
      resolveYaml(lines('services:', '  web:', '    port: 9001', '  w:', '    component: worker', '    image: x:1', '    command: run', '    port: 9000', '    scale: 3')),
    );
    expect(e.message).toMatch(/host port 9001 is already published by/);
  });

  it('a worker scale that runs past 65535 is refused', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  w:', '    component: worker', '    image: x:1', '    command: run', '    port: 65535', '    scale: 2')));
    expect(e.message).toBe('services.w.port: instance 2 would need port 65536; lower port');
  });

  it('checkPorts refuses a service publishing one port twice', () => {
    const s = { name: 'x', origin: { spec: 'x' }, ports: [{ host: 80, container: 80, bind: '0.0.0.0' }, { host: 80, container: 81, bind: '0.0.0.0' }] };
    expect(errorOf(() => checkPorts('st', [s as never], [])).message).toBe('services.x: publishes host port 80 twice; give each mapping its own port');
  });
});

describe('ports across stacks and the host', () => {
  const yaml = lines('services:', '  web:', '    port: 8080', '  postgres:', '    port: 5432');

  it('a port another stored stack publishes is a warning naming that stack', () => {
    const s = resolveYaml(yaml, { otherPorts: [{ stack: 'prod', service: 'web', port: 8080 }, { stack: 'prod', service: 'grafana', port: 3000 }] });
    expect(s.warnings).toEqual(['port 8080 (web) is also published by stack prod (web); the two cannot run at once on one host']);
  });

  it('the stack itself does not count as another stack', () => {
    expect(resolveYaml(yaml, { otherPorts: [{ stack: 'test', service: 'web', port: 8080 }] }).warnings).toEqual([]);
  });

  it('a host listener is a warning naming the holder', () => {
    const s = resolveYaml(yaml, { listener: (p) => (p === 5432 ? 'postgres (pid 42)' : undefined) });
    expect(s.warnings).toEqual(['port 5432 (postgres) is in use on this host by postgres (pid 42); berth up refuses to start until it is free']);
  });

  it('publishedPorts lists every host port of a stack', () => {
    expect(publishedPorts('a', [{ name: 'web', ports: [{ host: 8080 }] }, { name: 'db', ports: [] }, { name: 'w', ports: [{ host: 1 }, { host: 2 }] }])).toEqual([
      { stack: 'a', service: 'web', port: 8080 },
      { stack: 'a', service: 'w', port: 1 },
      { stack: 'a', service: 'w', port: 2 },
    ]);
  });
});

describe('port clashes of generated services', () => {
  it('name the stack.yaml key the port comes from', () => {
    expect(errorOf(() => resolveYaml('services:\n  a: {component: app, image: x/y:1, instances: {x: {port: 7000}, y: {port: 7000}}}\n')).message).toBe(
      'services.a.instances.y.port: host port 7000 is already published by a-x in this stack; give one of them another port',
    );
    expect(errorOf(() => resolveYaml('services:\n  b: {component: app, image: x/y:1, port: 5004}\n  w: {component: worker, image: x/y:1, scale: 3, port: 5003}\n')).message).toBe(
      'services.w.port (instance 2): host port 5004 is already published by b in this stack; give one of them another port',
    );
  });
});
