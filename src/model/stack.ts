/** The resolved stack every renderer reads. */
import type { ConfigFile } from './files.js';
import type { Service } from './service.js';
import type { SecretSource } from './secret-source.js';

/** The stack's one network: its name on the engine, its address range, or one that exists already. */
export interface StackNetwork {
  name?: string;
  subnet?: string;
  gateway?: string;
  external?: boolean;
}

/**
 * A machine the stack runs on besides this one (`nodes:` in stack.yaml): how
 * berth reaches it (an ssh:// URL) and the address its services are reached
 * at by services on other machines.
 */
export interface StackNode {
  name: string;
  /** ssh://[user@]host[:port] */
  host: string;
  address: string;
  /** Its part runs as a Swarm stack (the node is a Swarm manager); none: as a Compose project. */
  target?: 'swarm';
}

/** A datastore outside the stack (`external: host:port`): no container, consumers get its address. */
export interface ExternalService {
  name: string;
  component: string;
  host: string;
  port: number;
}

/** The format-neutral stack: everything a renderer needs, nothing Compose-specific. */
export interface ResolvedStack {
  name: string;
  description?: string;
  /** Sorted by name. */
  services: Service[];
  externals: ExternalService[];
  /** Named volumes. */
  volumes: string[];
  /** The other machines the stack runs on, in the order berth deploys them (a node after those it uses); none: this machine only. */
  nodes?: StackNode[];
  /** The stack's network, when stack.yaml sets one (else the target's default network of the stack). */
  network?: StackNetwork;
  /** Files components asked for (config.d snippets); stack-level configs are added by render/. */
  files: ConfigFile[];
  /** Active profiles: services with profiles run only when one of theirs is active. */
  profiles: string[];
  /** Every profile some service belongs to. */
  knownProfiles: string[];
  /** Non-secret .env entries (`vars:`). */
  vars: Record<string, string>;
  /** .env name -> value. Never rendered anywhere but .env. */
  secrets: Record<string, string>;
  /** Secrets read from the environment at up, never stored. */
  secretsFromEnv: string[];
  /** Secrets read from a provider (pass, 1Password, Vault, ...) at each up and deploy, never stored: .env name -> where. */
  secretSources: Record<string, SecretSource>;
  /** service -> secret key -> .env name, for renderers that need a reference (grafana -> influx token). */
  secretNames: Record<string, Record<string, string>>;
  /** Entries of an earlier .env that nothing uses now: kept, so a re-added database still opens its volume. */
  keptEnv: Record<string, string>;
  /** Secrets a service reads only when its data is first created, with the volumes holding that data. */
  initOnlySecrets: { name: string; service: string; volumes: string[] }[];
  /** Directory of stack.yaml: what relative paths in it were resolved against. */
  specDir: string;
  /** Secrets generated (or rotated) in this run, by .env name. */
  generatedSecrets: string[];
  warnings: string[];
}
