/** How berth writes a Swarm stack file: the choices a cluster makes for it. */
import type { ImageStart } from './start.js';

export interface SwarmOptions {
  /**
   * `host` (default): each service's name resolves to its tasks' addresses
   * (endpoint_mode dnsrr) and ports are published on the node a task runs
   * on (mode host); needs nothing of the kernel beyond bridges, and a host
   * port has one task per node. `ingress`: virtual IPs and the routing
   * mesh (IPVS in the nodes' kernels), which publish a port on every node.
   */
  network: 'host' | 'ingress';
  /** The variables' values for this file (the release's); default: the stack's own. */
  vars?: Record<string, string>;
  /** Values of the secrets read from berth's environment (secretsFromEnv): they become Swarm secrets like the rest. */
  secretsFromEnv?: Record<string, string>;
  /** An image's own entrypoint and command, for services that start through berth's script (read from the image on the manager). */
  imageStart?(ref: string): ImageStart | undefined;
}

export const SWARM_NETWORKS = ['host', 'ingress'] as const;
