/** Options every service in `stack.yaml` accepts, whatever its component. */
import * as v from 'valibot';
import { dict } from './dict.js';
import { opt, port, size, cpus, profiles, envTextMap, names, ipAddress, imageRef, healthDuration, positive, type OptionDefs } from './fields.js';
import { readText, textSchema } from './text.js';
import { nodeName } from './nodes.js';

/** Health timing as written (interval: 5s), read as the probe timing it overrides (intervalMs: 5000). */
export const healthOverride = v.pipe(
  v.strictObject({
    interval: v.optional(healthDuration),
    timeout: v.optional(healthDuration),
    retries: v.optional(positive),
    startPeriod: v.optional(healthDuration),
  }),
  v.transform((o) => ({ intervalMs: o.interval, timeoutMs: o.timeout, retries: o.retries, startPeriodMs: o.startPeriod })),
);

/** A service's own `image:`, read as Text (a tag may be a ${VAR}). */
export const imageText = v.pipe(imageRef, readText());

/** Disk for a service's named volumes where the target sizes them (Kubernetes claims); Compose's volumes have no size. */
export const storageOption = v.strictObject({
  size: v.optional(size),
  class: v.optional(v.pipe(v.string('must be a storage class name'), v.regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a storage class name like standard or fast-ssd'))),
});

/** A Swarm placement constraint, as `docker service create --constraint` takes it. */
export const placementConstraint = v.pipe(
  v.string('must be a constraint like node.labels.gpu == true'),
  v.regex(
    /^(node\.(id|hostname|role|platform\.os|platform\.arch|labels\.[A-Za-z0-9_.-]+)|engine\.labels\.[A-Za-z0-9_.-]+) *(==|!=) *[^\s"']+$/,
    "must be a constraint like node.labels.gpu == true or node.hostname != a (node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<k>, engine.labels.<k>; == or !=)",
  ),
);

export const COMMON_OPTIONS: OptionDefs = {
  component: opt(v.string(), 'string', 'catalog component this service is built from', 'the service name'),
  image: opt(imageText, 'image', 'image reference, overriding the catalog pin and `images:`'),
  port: opt(v.union([port, v.literal(false)], 'is not a port (1-65535) or false'), 'port | false', 'host port to publish the main port on (false: do not publish)'),
  bind: opt(ipAddress, 'ip', 'host address published ports bind to', '127.0.0.1 for datastores, 0.0.0.0 otherwise'),
  memory: opt(size, 'size', 'memory limit (mem_limit); internal caches are sized from it'),
  cpus: opt(cpus, 'number', 'CPU limit'),
  profiles: opt(profiles, 'list', 'Compose profiles this service belongs to (it only runs when one is active)'),
  env: opt(envTextMap, 'map', 'extra environment; values may use ${VAR} for variables berth writes to .env, and $$ for a literal $'),
  dependsOn: opt(names, 'list', 'extra services to start (and be healthy) first'),
  healthcheck: opt(healthOverride, 'map', 'override health timing: interval, timeout, startPeriod (500ms, 5s, 1m, 1h) and retries'),
  labels: opt(dict(v.string(), textSchema), 'map', 'extra container labels'),
  storage: opt(storageOption, '{size, class}', "size and storage class of the service's named volumes on Kubernetes (berth export); Compose volumes have no size", "the component's own, else 1g"),
  placement: opt(v.array(placementConstraint, 'must be a list of constraints'), 'list', 'where Docker Swarm may run its tasks (node.labels.gpu == true); on Kubernetes node.labels.<k> == <v> is a nodeSelector; Compose runs on one machine and ignores it'),
  node: opt(nodeName, 'node', 'the machine it runs on: a key of nodes: (berth deploy puts it there)', 'the machine berth runs on'),
};

/** Options only datastores (components that offer connection env) accept. */
export const DATASTORE_OPTIONS: OptionDefs = {
  external: opt(
    v.pipe(v.string('must be host:port'), v.regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be host or host:port of a server outside this stack')),
    'host[:port]',
    'use a server outside this stack: no container is run, consumers get its address',
  ),
};

/** For components with a metrics exporter sidecar. */
export const EXPORTER_OPTIONS: OptionDefs = {
  exporter: opt(v.literal(false, 'can only be false (no exporter)'), 'false', 'leave out the metrics exporter sidecar (saves its memory; this service is then not scraped)', 'added when the stack has prometheus or victoria-metrics'),
};

export const imageOverrideMap = dict(v.string(), imageRef, 'must be a map of component: image');
export { port, size };
