/** One container definition in the format-neutral model, and the parts it is made of. */
import type { Probe } from './probe.js';
import type { Text } from './text.js';
import type { ServiceConfig } from './config.js';

/** What a dependant waits for: its dependency ready (its probe passes), started, or completed (a job that exited 0). */
export type Condition = 'ready' | 'started' | 'completed';

/**
 * Where a service comes from in stack.yaml: its spec service, the instance of
 * it (an app's named instance, a scaled worker's number), or the spec service
 * whose metrics it exports.
 */
export interface Origin {
  spec: string;
  instance?: string;
  exporterOf?: string;
}

export interface PortMapping {
  host: number;
  container: number;
  bind: string;
}

/**
 * A named volume, a path of the host (a bind mount), or config files berth
 * writes into the stack dir: `path` is a ConfigFile's, or a folder of them
 * (Grafana's provisioning, nginx's certificates).
 */
export type Mount = (
  | { type: 'volume'; source: string; target: Text; storage?: VolumeStorage }
  | { type: 'bind'; source: Text; target: Text }
  | { type: 'config'; path: string; target: string }
) & {
  readOnly?: boolean;
  /** The stack.yaml key a mount the user gave comes from (services.api.volumes): errors name it, and generate checks its host path exists. */
  givenAt?: string;
};

/**
 * How much disk a named volume asks for, and from which storage class, where
 * the target sizes volumes (Kubernetes claims); Compose's named volumes have
 * no size. Filled by resolve for every named volume.
 */
export interface VolumeStorage {
  sizeMiB: number;
  /** The storage class to claim it from; none: the cluster's default. */
  className?: string;
}

/**
 * Replicas follow the load between `min` and `max` where the target can scale
 * by itself (a Kubernetes HorizontalPodAutoscaler); elsewhere `min` run.
 * The targets are average utilization, in percent of what each replica asks for.
 */
export interface Autoscale {
  min: number;
  max: number;
  cpuPercent?: number;
  memoryPercent?: number;
}

export interface BuildSpec {
  context: Text;
  dockerfile?: Text;
  target?: Text;
  args?: Record<string, Text>;
  /** The stack.yaml key the build comes from (services.api.build), for errors about its context. */
  givenAt?: string;
}

export interface MetricsTarget {
  port: number;
  path: string;
  /** Served over HTTPS (default http). */
  scheme?: 'https';
  /** The certificate is self-signed: the collector does not verify it. */
  selfSigned?: boolean;
}

/** One container definition: what runs, from what, with what, and how it is wired. */
export interface Service {
  name: string;
  component: string;
  /** `job`s run once and exit; everything else runs for good. */
  role: 'service' | 'job';
  /** Empty when only built (the build tags it). */
  image: Text;
  build?: BuildSpec;
  command?: Text[];
  entrypoint?: Text[];
  environment: Record<string, Text>;
  ports: PortMapping[];
  mounts: Mount[];
  /** How it shows it is ready; none: it counts as ready once started. */
  probe?: Probe;
  dependsOn: Record<string, Condition>;
  memoryMiB: number;
  cpus?: number;
  profiles: string[];
  replicas: number;
  /** Scale between bounds by load; `replicas` is its `min`. */
  autoscale?: Autoscale;
  gpu?: { count: number | 'all' };
  /** The user's container labels (`labels:`). */
  labels: Record<string, Text>;
  /** Main port inside the stack network (what a proxy route or a consumer connects to). */
  mainPort?: number;
  /** Other ports it serves the stack's services on (Kafka's clients, OTLP receivers), beside its main, published and metrics ports. */
  serves?: number[];
  /** Where a Prometheus-compatible collector scrapes this service, inside the stack network. */
  metrics?: MetricsTarget;
  /** Whether the container is started again when it stops: long-running services always, jobs never. */
  restart: 'always' | 'never';
  origin: Origin;
  /** The node (of the stack's nodes) it runs on; none: the machine berth runs on. */
  node?: string;
  /** Swarm placement constraints within that node's cluster (node.labels.gpu == true). */
  placement?: string[];
  privileged?: boolean;
  capAdd?: string[];
  /** user[:group] to run as. */
  user?: string;
  /** Read-only root filesystem, with /tmp in memory. */
  readOnly?: boolean;
  /** security_opt no-new-privileges. */
  noNewPrivileges?: boolean;
  /** A minimal init as PID 1 that reaps the children the process starts and passes signals on. */
  init?: boolean;
  ulimits?: Record<string, { soft: number; hard: number }>;
  /** Size of /dev/shm in MiB (databases that use shared memory for parallel work). */
  shmMiB?: number;
  /** Time between SIGTERM and SIGKILL on stop (databases need to finish a checkpoint). */
  stopGraceMs?: number;
  /** What the component hands the stack-level renderers (nginx routes, scrape settings, ...). */
  config?: ServiceConfig;
}
