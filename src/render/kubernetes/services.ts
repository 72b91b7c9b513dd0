/**
 * Services: every workload that serves a port gets a ClusterIP Service of
 * its own name on its container ports, so consumers reach it by the name and
 * port they use under Compose. A StatefulSet's is headless (it names each
 * pod), and so is a replicated service's: its name resolves to every ready
 * replica, as Docker's DNS does. Published ports (not bound to loopback) are reached from outside by
 * a `<name>-public` Service of the chosen type on the host port; with
 * ClusterIP, they are not, and a warning says how to.
 */
import type { Service } from '../../model/service.js';
import { labelsOf, object, selectorOf, type KubeObject } from './meta.js';
import { servedPorts } from './container.js';
import type { ServiceType } from './options.js';

const isLoopback = (bind: string) => bind.startsWith('127.') || bind === '::1';

/** Published ports that mean the world (not only this host), as host -> container. */
export function publicPorts(s: Service): { host: number; container: number }[] {
  return s.ports.filter((p) => !isLoopback(p.bind)).map(({ host, container }) => ({ host, container }));
}

const portEntry = (port: number, target = port) => ({ name: `tcp-${port}`, port, targetPort: target, protocol: 'TCP' });

export function kubeServices(s: Service, stack: string, o: { headless: boolean; type: ServiceType; routed: boolean }, warn: (m: string) => void): KubeObject[] {
  const ports = servedPorts(s);
  if (!ports.length) return [];
  const labels = labelsOf(s, stack);
  const selector = selectorOf(s.name, stack);
  const out = [object('v1', 'Service', { name: s.name, labels }, { spec: { type: 'ClusterIP', ...(o.headless ? { clusterIP: 'None' } : {}), selector, ports: ports.map((p) => portEntry(p)) } })];
  const published = publicPorts(s);
  if (!published.length) return out;
  if (o.type === 'ClusterIP') {
    if (!o.routed) warn(`services.${s.origin.spec}.port: ${published.map((p) => p.host).join(', ')} published on the host; on Kubernetes ${s.name} is reached inside the cluster only (${s.name}:${published.map((p) => p.container).join(', ')}); pass --service-type LoadBalancer or NodePort to publish it`);
    return out;
  }
  out.push(object('v1', 'Service', { name: `${s.name}-public`, labels }, { spec: { type: o.type, selector, ports: published.map((p) => portEntry(p.host, p.container)) } }));
  return out;
}
