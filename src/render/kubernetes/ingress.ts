/**
 * nginx becomes the cluster's ingress controller's work: an Ingress
 * (networking.k8s.io/v1) per nginx service with its routes, TLS for its
 * server names (a Secret cert-manager fills when an issuer is given), and its
 * rate limit, body size and read timeout as ingress-nginx annotations (other
 * controllers ignore them).
 */
import type { NginxConfig } from '../../model/config.js';
import type { Service } from '../../model/service.js';
import { proxyRoutes } from '../../resolve/routes.js';
import { labelsOf, object, type KubeObject } from './meta.js';
import type { KubeOptions } from './options.js';

const NGINX = 'nginx.ingress.kubernetes.io';

/** nginx's rate and burst as ingress-nginx's: a limit per second or minute, and the burst as a multiple of it. */
function rateAnnotations(o: NginxConfig): Record<string, string> {
  const rate = o.rateLimit === undefined ? '20r/s' : o.rateLimit;
  if (!rate) return {};
  const [, n, unit] = /^(\d+)r\/([sm])$/.exec(rate)!;
  const burst = o.burst ?? 40;
  return { [`${NGINX}/limit-${unit === 's' ? 'rps' : 'rpm'}`]: n!, [`${NGINX}/limit-burst-multiplier`]: String(Math.max(1, Math.ceil(burst / Number(n)))) };
}

const hostsOf = (o: NginxConfig) => (o.serverName ?? '_').split(' ').filter((h) => h !== '_');

function tlsOf(proxy: Service, o: NginxConfig, opts: KubeOptions, warn: (m: string) => void): Record<string, unknown>[] {
  if (o.tls === false || o.httpsPort === false) return [];
  const secretName = `${proxy.name}-tls`;
  const hosts = hostsOf(o);
  if (opts.certIssuer && !hosts.length) warn(`services.${proxy.name}.serverName: cert-manager issues certificates for host names; set serverName so that ${opts.certIssuer} can issue one`);
  if (!opts.certIssuer) {
    const from = o.tls === 'given' ? 'your certificate files' : 'a certificate';
    warn(`services.${proxy.name}.tls: the Ingress serves TLS from Secret ${secretName}: create it from ${from} (kubectl create secret tls ${secretName} --cert=... --key=... -n ${opts.namespace}), or pass --cert-issuer to have cert-manager make it`);
  }
  return [{ ...(hosts.length ? { hosts } : {}), secretName }];
}

export function ingressOf(proxy: Service, o: NginxConfig, services: Service[], stack: string, opts: KubeOptions, warn: (m: string) => void): KubeObject {
  const moved = proxy.ports.filter((p) => p.host !== p.container).map((p) => p.host);
  if (moved.length) warn(`services.${proxy.name}.port: ${moved.join(', ')} published on the host; on Kubernetes its routes are served by the ingress controller on the controller's own ports (80 and 443)`);
  const paths = proxyRoutes(services, proxy, o).upstreams.map((u) => ({ path: u.path, pathType: 'Prefix', backend: { service: { name: u.host, port: { number: u.port } } } }));
  const http = { paths };
  const hosts = hostsOf(o);
  const annotations = {
    ...rateAnnotations(o),
    [`${NGINX}/proxy-body-size`]: String(o.maxBodySize ?? '10m'),
    [`${NGINX}/proxy-read-timeout`]: '300',
    ...(opts.certIssuer ? { 'cert-manager.io/cluster-issuer': opts.certIssuer } : {}),
  };
  const tls = tlsOf(proxy, o, opts, warn);
  return object('networking.k8s.io/v1', 'Ingress', { name: proxy.name, labels: labelsOf(proxy, stack), annotations }, {
    spec: {
      ...(opts.ingressClass ? { ingressClassName: opts.ingressClass } : {}),
      ...(tls.length ? { tls } : {}),
      rules: hosts.length ? hosts.map((host) => ({ host, http })) : [{ http }],
    },
  });
}
