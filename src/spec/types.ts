import type { StackNetwork } from '../model/stack.js';
import type { NodeSpec } from './nodes.js';
import type { SecretSource } from '../model/secret-source.js';

/** stack.yaml as written (after schema validation of its top level). */
export interface StackSpec {
  version?: 1;
  description?: string;
  profiles?: string[];
  memoryBudget?: string | number;
  images?: Record<string, string>;
  vars?: Record<string, string | number | boolean>;
  /** Secrets never stored: berth up reads them from its environment (true: all of them). */
  secretsFromEnv?: true | string[];
  /** Secrets read from a provider (pass, 1Password, Vault, ...) at each up and deploy, never stored. */
  secrets?: Record<string, SecretSource>;
  network?: StackNetwork;
  /** Other machines the stack runs on; a service names its own with `node:`. */
  nodes?: Record<string, NodeSpec>;
  services: Record<string, Record<string, unknown> | null>;
}
