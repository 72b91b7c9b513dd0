/**
 * nginx's routes: the paths as given, or `/` to the stack's web, reporting or
 * first app; each to a service of the stack, on the port given or its main
 * port. Checked in resolve (config-checks.ts), read by render/nginx.ts.
 */
import type { Issue } from '../errors.js';
import type { NginxConfig } from '../model/config.js';
import type { Service } from '../model/service.js';
import { byText } from '../util/order.js';

export interface Upstream {
  path: string;
  host: string;
  port: number;
}

const ROUTE_DEFAULTS = ['web', 'reporting', 'app'];

function defaultRoutes(services: Service[], proxy: Service): Record<string, string> | undefined {
  for (const component of ROUTE_DEFAULTS) {
    const target = services.find((s) => s.component === component && s.role === 'service' && s.name !== proxy.name);
    if (target) return { '/': target.name };
  }
  return undefined;
}

/** The upstream of each route, longest path first (it reads best; nginx picks the longest match anyway), and what is wrong with the others. */
export function proxyRoutes(services: Service[], proxy: Service, config: NginxConfig): { upstreams: Upstream[]; issues: Issue[] } {
  const at = `services.${proxy.name}.routes`;
  const routes = config.routes ?? defaultRoutes(services, proxy);
  if (!routes) return { upstreams: [], issues: [{ path: at, message: 'nothing to proxy to; add routes: {"/": <service>} or a web, reporting or app service' }] };
  const upstreams: Upstream[] = [];
  const issues: Issue[] = [];
  for (const path of Object.keys(routes).sort((a, b) => b.length - a.length || byText(a, b))) {
    const [name, port] = routes[path]!.split(':') as [string, string | undefined];
    const svc = services.find((s) => s.name === name);
    const p = port ? Number(port) : svc?.mainPort;
    if (!svc) issues.push({ path: at, message: `${name} is not a service in this stack` });
    else if (!p) issues.push({ path: at, message: `${name} has no HTTP port; write it as ${name}:<port>` });
    else upstreams.push({ path, host: name, port: p });
  }
  return { upstreams, issues };
}
