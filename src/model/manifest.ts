/**
 * A stored stack's resolved shape (`.berth.json`), as lifecycle commands read
 * it: no YAML parse, no secret values. Versioned: `format` names the layout,
 * and readers migrate older ones (store/manifest.ts).
 */
import type { SecretSource } from './secret-source.js';
import type { UrlSecrets } from './url-secrets.js';

export type DependencyCondition = 'service_healthy' | 'service_started' | 'service_completed_successfully';

export interface ManifestPort {
  host: number;
  container: number;
  bind: string;
}

export interface ManifestService {
  name: string;
  component: string;
  role: 'service' | 'job';
  image: string;
  profiles: string[];
  replicas: number;
  ports: ManifestPort[];
  healthcheck: boolean;
  build: boolean;
  dependsOn: Record<string, DependencyCondition>;
  /** Named volumes (as the stack names them) this service mounts. */
  volumes?: string[];
  /** The stack.yaml service it is an instance of (an app's named instance, a scaled worker). */
  of?: string;
  /** The service whose metrics this exporter serves. */
  exporterOf?: string;
}

/** A secret a service reads only when its data is first created (a database password). */
export interface InitOnlySecret {
  /** .env name. */
  name: string;
  service: string;
  /** The service's named volumes that hold data made with it. */
  volumes: string[];
}

/** A node of the stack: where berth deploys its bundle (nodes/<name>/ in the stack dir) and how it reaches it. */
export interface ManifestNode {
  name: string;
  /** ssh://[user@]host[:port] */
  host: string;
  address: string;
  /** Its Compose project (or Swarm stack): <stack>-<node>. */
  project: string;
  /** Its part runs as a Swarm stack; none: as a Compose project. */
  target?: 'swarm';
}

export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  stack: string;
  berthVersion: string;
  description?: string;
  profiles: string[];
  knownProfiles: string[];
  services: ManifestService[];
  /** Named volumes the stack declares now. */
  volumes: string[];
  /** Every named volume the stack has declared at some generate (clean deletes those, and only those). */
  volumesEver: string[];
  /** Secrets berth up must find in its environment. */
  secretsFromEnv?: string[];
  /** Secrets berth reads from their providers at each up and deploy (where, never the value). */
  secretSources?: Record<string, SecretSource>;
  /** Secrets written into a URL, and where (a value from outside berth is checked against them). */
  urlSecrets?: UrlSecrets;
  /** .env names of every secret the stack has (never values). */
  secrets: string[];
  initOnlySecrets: InitOnlySecret[];
  /** The folder relative paths in stack.yaml were written against (kept for regenerating from the stored copy). */
  specDir?: string;
  /** Machines the stack runs on besides this one, in deploy order (their services are in their own bundles). */
  nodes?: ManifestNode[];
  /** The stack's network when stack.yaml names it. */
  network?: { name: string; external: boolean };
}
