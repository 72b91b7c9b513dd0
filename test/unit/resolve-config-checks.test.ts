import { describe, expect, it } from 'vitest';
import { checkConfigs } from '../../src/resolve/config-checks.js';
import { proxyRoutes } from '../../src/resolve/routes.js';
import { errorOf, resolveYaml, svc } from './_resolve.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const app = (name: string, ...extra: string[]) => [`  ${name}:`, '    component: app', '    image: x:1', ...extra];

describe('nginx routes, checked in resolve', () => {
  it('lead to the stack\'s web, reporting or first app by default, on its main port', () => {
    const s = resolveYaml(lines('services:', ...app('api', '    containerPort: 9000'), '  nginx: {tls: false}'));
    const proxy = svc(s, 'nginx');
    expect(proxy.config?.kind === 'nginx' && proxyRoutes(s.services, proxy, proxy.config)).toEqual({ upstreams: [{ path: '/', host: 'api', port: 9000 }], issues: [] });
  });

  it('longest path first, with the port given or the main port', () => {
    const s = resolveYaml(lines('services:', '  web: {}', ...app('api'), '  nginx:', '    routes: {/: web, /api/: "api:7000"}'));
    const proxy = svc(s, 'nginx');
    expect(proxy.config?.kind === 'nginx' && proxyRoutes(s.services, proxy, proxy.config).upstreams).toEqual([
      { path: '/api/', host: 'api', port: 7000 },
      { path: '/', host: 'web', port: 8080 },
    ]);
  });

  it('with nothing to proxy to is refused', () => {
    expect(errorOf(() => resolveYaml(lines('services:', '  nginx: {}'))).message).toBe(
      'services.nginx.routes: nothing to proxy to; add routes: {"/": <service>} or a web, reporting or app service',
    );
  });

  it('every bad route is reported, with the first one\'s line', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  redis: {}', '  nginx:', '    routes: {/: nope, /cache/: redis-exporter, /r/: redis}'))) as {
      message: string;
      issues?: { path?: string; message: string }[];
    };
    expect(e.message).toBe('services.nginx.routes: redis-exporter is not a service in this stack (and 1 more)');
    expect(e.issues).toEqual([
      { path: 'services.nginx.routes', message: 'redis-exporter is not a service in this stack' },
      { path: 'services.nginx.routes', message: 'nope is not a service in this stack' },
    ]);
  });

  it('to a service without an HTTP port needs the port', () => {
    const s = resolveYaml(lines('services:', '  web: {}', '  nginx: {}'));
    const proxy = { ...svc(s, 'web'), mainPort: undefined };
    const nginx = svc(s, 'nginx');
    expect(() => checkConfigs([proxy, nginx])).toThrow('services.nginx.routes: web has no HTTP port; write it as web:<port>');
  });
});

describe('scrape jobs of a collector\'s own targets', () => {
  it('may not take a job name of the stack', () => {
    const e = errorOf(() => resolveYaml(lines('services:', '  redis: {}', '  prometheus:', '    targets:', '      redis: [a.lan:1]', '      prometheus: [b.lan:2]', '      other: [c.lan:3]')));
    expect(e.message).toBe("services.prometheus.targets.redis: redis is already the scrape job of the stack's service redis; name the job differently (and 1 more)");
  });
});
