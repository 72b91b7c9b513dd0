import * as v from 'valibot';
import { dict } from '../spec/dict.js';
import type { ComponentDef } from './types.js';
import type { Text } from '../model/text.js';
import { opt, port } from '../spec/fields.js';
import { readText } from '../spec/text.js';
import { baseService, configMount } from './_base.js';
import type { Mount } from '../model/service.js';
import { httpGet } from './_health.js';
import { hostPath } from './_workload.js';
import { goMemLimit } from './_memory.js';

export interface NginxOptions {
  routes?: Record<string, string>;
  tls?: false | 'self-signed' | { cert: Text; key: Text };
  httpsPort?: number | false;
  rateLimit?: string | false;
  burst?: number;
  serverName?: string;
  maxBodySize?: string | number;
}

const target = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*(:\d{1,5})?$/, 'must be a service name, optionally with :port'));
const routePath = v.pipe(v.string(), v.regex(/^\/[A-Za-z0-9._~\/-]*$/, 'must be a URL path prefix like / or /api/'));

/** nginx's own size syntax (client_max_body_size): digits with an optional k, m or g; 0 is no limit. Rendered as given. */
const NGINX_SIZE_RE = /^(\d+)([kKmMgG]?)$/;
const NGINX_SCALE: Record<string, bigint> = { '': 1n, k: 1024n, m: 1024n ** 2n, g: 1024n ** 3n };
const nginxSize = v.pipe(
  v.union([v.string(), v.number()], 'must be an nginx size like 512k, 10m or 1g (0: no limit)'),
  v.check((s) => NGINX_SIZE_RE.test(String(s)), 'is not an nginx size; use whole digits with an optional k, m or g, like 512k, 10m or 1g (0: no limit)'),
  v.check((s) => {
    const m = NGINX_SIZE_RE.exec(String(s));
    // nginx refuses sizes beyond its largest file offset (2^63 - 1 bytes).
    return !m || BigInt(m[1]!) * NGINX_SCALE[m[2]!.toLowerCase()]! <= 2n ** 63n - 1n;
  }, 'is more than nginx accepts; use a smaller size like 10g, or 0 for no limit'),
);

/** A certificate or key file on the host: absolute, ~/ (the user's home), or relative to stack.yaml. */
const tlsFile = v.pipe(
  v.string('must be a path to a PEM file, like ./certs/fullchain.pem'),
  v.minLength(1, 'must be a path to a PEM file, like ./certs/fullchain.pem'),
  v.regex(/^[^:]+$/, 'is not a usable path (Compose splits mounts at :); move the file to a path without :'),
  v.check((p) => !/^~[^/]/.test(p), "is not expanded (another user's home); write the full path, or ~/ for your own home"),
  readText(),
);

/** Where the TLS files live inside the container, and in the stack dir when berth makes them. */
export const TLS_DIR = '/etc/nginx/certs';

export const nginx: ComponentDef<NginxOptions> = {
  name: 'nginx',
  summary: 'nginx reverse proxy: TLS termination, rate limiting, load balancing across replicas',
  category: 'proxy',
  image: 'nginx:1.27.5-alpine',
  port: 80,
  memory: '128m',
  options: {
    routes: opt(dict(routePath, target, 'must be a map of /path: service[:port]'), 'map', 'path prefix -> service[:port]', '/ -> the stack\'s web, reporting or first app'),
    tls: opt(
      v.union(
        [v.literal(false), v.literal('self-signed'), v.strictObject({ cert: tlsFile, key: tlsFile })],
        'must be false, self-signed, or {cert: ./certs/fullchain.pem, key: ./certs/privkey.pem}',
      ),
      'false | self-signed | {cert, key}',
      'TLS termination; self-signed certificates are made once and kept; cert and key paths are relative to stack.yaml',
      'self-signed',
    ),
    httpsPort: opt(v.union([port, v.literal(false)], 'is not a port (1-65535) or false'), 'port | false', 'host port for HTTPS', '443'),
    rateLimit: opt(
      v.union([v.pipe(v.string(), v.regex(/^\d+r\/[sm]$/, 'must be like 10r/s or 600r/m')), v.literal(false)], 'must be like 10r/s, or false'),
      'rate | false',
      'requests per client address',
      '20r/s',
    ),
    burst: opt(v.pipe(v.number(), v.integer(), v.minValue(0)), 'number', 'requests allowed above the rate before 429', '40'),
    serverName: opt(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.*-]+( [A-Za-z0-9_.*-]+)*$/, 'must be host names separated by spaces')), 'names', 'server_name', '_'),
    maxBodySize: opt(nginxSize, 'nginx size', 'client_max_body_size: digits with k, m or g (0: no limit)', '10m'),
  },
  exporter: {
    name: 'nginx-exporter',
    image: 'nginx/nginx-prometheus-exporter:1.3.0',
    port: 9113,
    build: (ctx, image) => ({
      image,
      command: [`--nginx.scrape-uri=http://${ctx.service}:8081/stub_status`],
      environment: { GOMEMLIMIT: goMemLimit(64) },
      ports: [],
      mounts: [],
      dependsOn: { [ctx.service]: 'ready' },
      metrics: { port: 9113, path: '/metrics' },
    }),
  },
  build(ctx) {
    const o = ctx.options;
    const tls = o.tls ?? 'self-signed';
    const bind = o.bind ?? '0.0.0.0';
    const ports = [];
    if (o.port !== false) ports.push({ host: typeof o.port === 'number' ? o.port : 80, container: 80, bind });
    if (tls !== false && o.httpsPort !== false) ports.push({ host: o.httpsPort ?? 443, container: 443, bind });
    const mounts: Mount[] = [configMount(`${ctx.service}/nginx.conf`, '/etc/nginx/nginx.conf')];
    if (tls === 'self-signed') mounts.push(configMount(`${ctx.service}/certs`, TLS_DIR));
    if (tls && typeof tls === 'object') {
      const given = (file: Text, key: 'cert' | 'key', target: string): Mount => ({ type: 'bind', source: hostPath(file, ctx.specDir), target, readOnly: true, givenAt: `services.${ctx.service}.tls.${key}` });
      mounts.push(given(tls.cert, 'cert', `${TLS_DIR}/tls.crt`), given(tls.key, 'key', `${TLS_DIR}/tls.key`));
    }
    const { routes, httpsPort, rateLimit, burst, serverName, maxBodySize } = o;
    const svc = baseService(ctx, nginx, {
      command: ['nginx', '-g', 'daemon off;'],
      ports,
      mounts,
      probe: httpGet(8081, '/healthz'),
      config: { kind: 'nginx', dir: ctx.service, tls: typeof tls === 'object' ? 'given' : tls, routes, httpsPort, rateLimit, burst, serverName, maxBodySize },
    });
    return { services: [svc] };
  },
};
