/**
 * The catalog's contract. A component is a pure function from its validated
 * options to a fragment of the format-neutral model (services, volumes, files).
 * Nothing here knows about Compose syntax; render/ does.
 */
import type { OptionDefs } from '../spec/fields.js';
import type { ConfigFile } from '../model/files.js';
import type { Service } from '../model/service.js';
import type { ProbeTiming } from '../model/probe.js';
import type { Text } from '../model/text.js';

export type Category = 'datastore' | 'messaging' | 'observability' | 'proxy' | 'application' | 'berth' | 'exporter';

export interface Fragment {
  services: Service[];
  volumes?: string[];
  files?: ConfigFile[];
}

export interface SecretDecl {
  /** Key the component refers to with ctx.secret(key). */
  key: string;
  /** Fixed .env name shared stack-wide (BERTH_AUTH_TOKEN); otherwise `<SERVICE>_<suffix>`. */
  env?: string;
  suffix?: string;
  kind: 'password' | 'token' | 'id';
  doc: string;
  /** Who else must hold the same value (a remote server), so a generated one is worth a warning. */
  sharedWith?(options: Record<string, unknown>): string | undefined;
  /** Only when the options call for it (Qdrant without an API key has none). */
  when?(options: Record<string, unknown>): boolean;
  /** Read only when the service's data is first created: a new value never reaches existing data. */
  initOnly?: boolean;
}

export interface OfferDecl {
  /** Env name without the service prefix that applies when a stack has two of the component. */
  name: string;
  doc: string;
}

/** What the stack looks like from inside one component: names only, no other fragments. */
export interface StackIndex {
  name: string;
  /** service name -> component name, for every service in the spec (not exporters). */
  components: ReadonlyMap<string, string>;
  byComponent(component: string): string[];
  has(component: string): boolean;
  /** Validated options of a service in the spec (workers read their app's). */
  optionsOf(service: string): Readonly<Record<string, unknown>> | undefined;
}

export interface ComponentContext<O = object> {
  service: string;
  options: O & CommonOptions;
  image: Text;
  memoryMiB: number;
  /** A reference to one of the service's secrets, never its value. */
  secret(key: string): Text;
  stack: StackIndex;
  /** Directory of the stack.yaml, to resolve relative paths the user gave. */
  specDir: string;
  /** This machine, when the stack is generated to run here (absent for goldens and exports). */
  host?: HostFacts;
}

/** What berth's own server needs to manage the stacks of the machine it runs on. */
export interface HostFacts {
  /** $BERTH_HOME, absolute. */
  home: string;
  /** The Docker engine's socket on this machine. */
  dockerSocket: string;
}

export interface ConnectionContext<O = object> {
  service: string;
  options: O & CommonOptions;
  host: string;
  port: number;
  secret(key: string): Text;
}

export interface CommonOptions {
  component?: string;
  image?: Text;
  port?: number | false;
  bind?: string;
  memory?: string | number;
  cpus?: number;
  profiles?: string[];
  env?: Record<string, Text>;
  dependsOn?: string[];
  /** Probe timing overrides, in ms (stack.yaml's durations are parsed by its schema). */
  healthcheck?: Partial<ProbeTiming>;
  labels?: Record<string, Text>;
  placement?: string[];
  external?: string;
  storage?: { size?: string | number; class?: string };
  node?: string;
}

export interface ComponentDef<O = any> {
  name: string;
  summary: string;
  category: Category;
  /** Pinned upstream image; never `latest`. */
  image: string;
  /** Main container port (what `port:` publishes). */
  port?: number;
  /** Port consumers connect to inside the network, when not `port` (Kafka: 9092, while 9094 is for host clients). */
  clientPort?: number;
  /** Default memory limit. */
  memory: string;
  /** Default size of its data volumes where the target sizes them (a Kubernetes claim). */
  storage?: string;
  /** The least memory it runs in, with why: a smaller limit would put its own cache or heap at or over mem_limit. */
  minMemory?: { size: string; why: string };
  options: OptionDefs;
  secrets?: SecretDecl[];
  /** Secrets that depend on the options (an app's own `secrets:`). */
  secretsFor?(options: Record<string, unknown>): SecretDecl[];
  /** Not wired into consumers by default when the stack also has one of these (jaeger when an otel-collector exists). */
  supersededBy?: string[];
  /** Connection env this component offers to apps, workers and jobs. */
  offers?: OfferDecl[];
  connection?(ctx: ConnectionContext<O>): Record<string, Text>;
  /** Wired into consumers only when they name it in `uses:` (Prometheus, berth's web). */
  optInUse?: boolean;
  /**
   * Consumers may run without it (telemetry: an OTLP SDK drops what it cannot
   * send): they get its env even when it runs only under a profile they do not
   * need, and wait for it only when it always runs with them.
   */
  optional?: boolean;
  /** Receives the connection env of the datastores it uses. */
  consumer?: boolean;
  /** Image per `variant` option value; the variant name is also its `images:` override key. */
  variants?: Record<string, string>;
  /** Sidecar that exposes this component's metrics, added when the stack has a metrics collector. */
  exporter?: ExporterDef<O>;
  /** Published ports bind here unless `bind:` says otherwise. */
  defaultBind?: string;
  /** Hidden from stack.yaml (exporters are added by berth). */
  internal?: boolean;
  build(ctx: ComponentContext<O>): Fragment;
}

export interface ExporterDef<O = any> {
  /** `images:` key and catalog entry name of the exporter (postgres-exporter). */
  name: string;
  image: string;
  port: number;
  build(ctx: ComponentContext<O>, image: Text): Omit<Service, 'name' | 'component' | 'memoryMiB' | 'profiles' | 'labels' | 'restart' | 'role' | 'replicas' | 'origin'>;
}
