/**
 * Who connects to whom, on which port: what the network policies allow.
 * An edge is a service's dependency (it waits for it, so it talks to it),
 * an address `name:port` it is handed (connection env like
 * redis://:...@redis:6379, a command line, the config files it mounts:
 * Grafana's datasources, Prometheus' targets), a collector's scrape of every
 * metrics port, the ingress controller's route to a service, and the world's
 * way in to a published port.
 */
import type { ConfigFile } from '../../model/files.js';
import type { Service } from '../../model/service.js';
import { isRef, partsOf, type Text } from '../../model/text.js';
import { scrapeEndpoints } from '../../resolve/scrape.js';
import { proxyRoutes } from '../../resolve/routes.js';
import { servedPorts } from './container.js';

/** A source outside the stack's pods: the ingress controller, or anyone (a published port). */
export type Source = { service: string } | { ingress: true } | { world: true };

export interface Edge {
  from: Source;
  to: string;
  port: number;
}

const literals = (t: Text) => partsOf(t).filter((p) => !isRef(p)).join(' ');

/** The texts a service is handed: env values, command, entrypoint, and the config files it mounts. */
function handed(s: Service, configs: ConfigFile[]): string[] {
  return [
    ...Object.values(s.environment).map(literals),
    ...(s.command ?? []).map(literals),
    ...(s.entrypoint ?? []).map(literals),
    ...configs.filter((f) => f.consumers.includes(s.name)).map((f) => f.content),
  ];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every `name:port` in the texts that is a port `name` serves. */
function addressEdges(s: Service, texts: string[], ports: ReadonlyMap<string, number[]>, names: RegExp): Edge[] {
  const out: Edge[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(names)) {
      const [to, port] = [m[1]!, Number(m[2])];
      if (to !== s.name && ports.get(to)?.includes(port)) out.push({ from: { service: s.name }, to, port });
    }
  }
  return out;
}

function dependencyEdges(s: Service, byName: ReadonlyMap<string, Service>): Edge[] {
  return Object.entries(s.dependsOn).flatMap(([dep, condition]) => {
    const target = byName.get(dep);
    if (!target || condition === 'completed') return [];
    const ports = target.mainPort !== undefined ? [target.mainPort] : servedPorts(target);
    return ports.map((port) => ({ from: { service: s.name }, to: dep, port }));
  });
}

export interface EdgeInput {
  /** The services that run on Kubernetes. */
  services: Service[];
  /** nginx services, whose routes the ingress controller serves. */
  proxies: Service[];
  configs: ConfigFile[];
  /** Published ports are open to the world (a NodePort or LoadBalancer Service). */
  published(s: Service): number[];
}

const key = (e: Edge) => `${JSON.stringify(e.from)}>${e.to}:${e.port}`;

export function edgesOf(i: EdgeInput): Edge[] {
  const byName = new Map(i.services.map((s) => [s.name, s]));
  const ports = new Map(i.services.map((s) => [s.name, servedPorts(s)]));
  const names = new RegExp(`(?<![\\w.-])(${i.services.map((s) => escapeRe(s.name)).sort((a, b) => b.length - a.length).join('|')}):(\\d{1,5})(?!\\d)`, 'g');
  const edges: Edge[] = i.services.flatMap((s) => [...dependencyEdges(s, byName), ...addressEdges(s, handed(s, i.configs), ports, names)]);
  for (const c of i.services.filter((s) => s.config?.kind === 'scrape')) {
    for (const e of scrapeEndpoints(i.services)) if (e.service.name !== c.name) edges.push({ from: { service: c.name }, to: e.service.name, port: e.port });
  }
  for (const p of i.proxies) {
    if (p.config?.kind !== 'nginx') continue;
    for (const u of proxyRoutes([...i.services, p], p, p.config).upstreams) if (byName.has(u.host)) edges.push({ from: { ingress: true }, to: u.host, port: u.port });
  }
  for (const s of i.services) for (const port of i.published(s)) edges.push({ from: { world: true }, to: s.name, port });
  const unique = new Map(edges.map((e) => [key(e), e]));
  return [...unique.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
