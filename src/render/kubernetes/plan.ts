/**
 * The stack as Kubernetes objects, before they are laid out in files: the
 * objects of each service (its workload, ConfigMaps, Services, autoscaler,
 * disruption budget, network policy; an nginx service's Ingress), and those
 * of the stack as a whole (its namespace, the default-deny policy, shared
 * claims, the access waiting pods need), with a warning for everything that
 * does not carry over.
 */
import type { Service } from '../../model/service.js';
import type { ResolvedStack } from '../../model/stack.js';
import type { ConfigFile } from '../../model/files.js';
import { renderPrometheus } from '../prometheus.js';
import { renderGrafana } from '../grafana.js';
import { renderOtel } from '../otel.js';
import { object, stackLabels, type KubeObject } from './meta.js';
import type { KubeOptions } from './options.js';
import { planSecrets } from './secrets.js';
import { planVolumes, sharedClaim } from './volumes.js';
import { workload, type WorkloadContext } from './workload.js';
import { kubeServices, publicPorts } from './services.js';
import { scalingObjects } from './scaling.js';
import { ingressOf } from './ingress.js';
import { edgesOf } from './edges.js';
import { allowPolicy, defaultDeny } from './network.js';
import { jobWaiterAccess } from './wait.js';
import { plainText } from './text.js';
import { DEFAULT_CPU_REQUEST } from './container.js';

export interface KubePlan {
  /** Service name -> its objects; every service that runs on Kubernetes, and each nginx as its Ingress. */
  perService: Map<string, KubeObject[]>;
  /** The services above, with their profiles. */
  services: Service[];
  stackObjects: KubeObject[];
  /** The env file of the Secret berth generates (empty: none). */
  secretsEnv: string;
  warnings: string[];
}

const isProxy = (s: Service) => s.config?.kind === 'nginx';

/** nginx is the ingress controller's job on Kubernetes; the exporter that reads nginx's own status goes with it. */
function split(stack: ResolvedStack, warn: (m: string) => void): { kept: Service[]; proxies: Service[] } {
  const proxies = stack.services.filter(isProxy);
  const gone = new Set(proxies.map((p) => p.name));
  for (const s of stack.services.filter((x) => x.origin.exporterOf && gone.has(x.origin.exporterOf))) {
    warn(`services.${s.name}: reads the status page of ${s.origin.exporterOf}, which is an Ingress on Kubernetes (the ingress controller serves metrics of its own); left out`);
    gone.add(s.name);
  }
  return { kept: stack.services.filter((s) => !gone.has(s.name)), proxies };
}

/** The config files the stack's services read, made for the services that run on Kubernetes. */
function configFiles(stack: ResolvedStack, kept: Service[]): ConfigFile[] {
  const view = { ...stack, services: kept };
  return [...stack.files, ...renderPrometheus(view), ...renderGrafana(view), ...renderOtel(view)];
}

function lossWarnings(kept: Service[], vars: Readonly<Record<string, string>>, warn: (m: string) => void): void {
  for (const s of kept.filter((x) => x.build)) {
    warn(`services.${s.origin.spec}.build: Compose builds ${s.name}'s image on the host; a cluster pulls it, so push it to a registry and set image: (the manifests name ${plainText(s.image, vars)})`);
  }
  for (const s of kept.filter((x) => x.autoscale?.cpuPercent && x.cpus === undefined)) {
    warn(`services.${s.origin.spec}.autoscale: scaling on CPU measures use against the CPU each replica asks for, and cpus is not set; each asks for ${DEFAULT_CPU_REQUEST} (set cpus:)`);
  }
  for (const s of kept.filter((x) => x.privileged)) {
    warn(`services.${s.origin.spec}.privileged: kept as a privileged container, which a namespace under the baseline or restricted Pod Security Standard refuses; label the namespace pod-security.kubernetes.io/enforce=privileged, or drop privileged`);
  }
  for (const s of kept.filter((x) => x.ulimits)) {
    warn(`services.${s.name}: ulimits (${Object.keys(s.ulimits!).join(', ')}) are set by each node's container runtime on Kubernetes, not per pod; left out`);
  }
}

export function planObjects(stack: ResolvedStack, opts: KubeOptions): KubePlan {
  const warnings: string[] = [];
  const warn = (m: string) => void (warnings.includes(m) || warnings.push(m));
  const { kept, proxies } = split(stack, warn);
  const configs = configFiles(stack, kept);
  const secrets = planSecrets(stack, opts);
  secrets.warnings.forEach(warn);
  lossWarnings(kept, stack.vars, warn);
  const volumes = planVolumes(kept);
  const ctx: WorkloadContext = { stack: stack.name, opts, vars: stack.vars, configs, byName: new Map(kept.map((s) => [s.name, s])), refOf: secrets.refOf, warn };
  const published = (s: Service) => (opts.serviceType === 'ClusterIP' ? [] : publicPorts(s).map((p) => p.container));
  const edges = edgesOf({ services: kept, proxies, configs, published });
  const routed = new Set(edges.filter((e) => 'ingress' in e.from).map((e) => e.to));
  const perService = new Map<string, KubeObject[]>();
  for (const s of kept) {
    const perPod = volumes.perPod.get(s.name) ?? [];
    const objects = workload(s, perPod, ctx);
    const kind = objects[objects.length - 1]!.kind;
    // Headless for a StatefulSet (it names each pod) and for replicas: each has its address, as under Compose, so Prometheus scrapes every one.
    const headless = kind === 'StatefulSet' || s.replicas > 1 || !!s.autoscale;
    objects.push(...kubeServices(s, stack.name, { headless, type: opts.serviceType, routed: routed.has(s.name) }, warn));
    objects.push(...scalingObjects(s, kind, stack.name));
    const policy = allowPolicy(s, edges, stack.name, opts.ingressNamespace);
    if (policy) objects.push(policy);
    perService.set(s.name, objects);
  }
  for (const p of proxies) perService.set(p.name, [ingressOf(p, p.config as Extract<Service['config'], { kind: 'nginx' }>, stack.services, stack.name, opts, warn)]);
  const stackObjects = [
    object('v1', 'Namespace', { name: opts.namespace, labels: stackLabels(stack.name) }, {}),
    defaultDeny(stack.name),
    ...(kept.some((s) => Object.values(s.dependsOn).includes('completed')) ? jobWaiterAccess(stack.name) : []),
    ...[...volumes.shared].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, users]) => sharedClaim(v, users, stack.name, warn)),
  ];
  return { perService, services: [...kept, ...proxies].sort((a, b) => (a.name < b.name ? -1 : 1)), stackObjects, secretsEnv: secrets.envFile, warnings };
}
