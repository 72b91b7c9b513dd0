/**
 * `nodes:` in stack.yaml: the other machines a stack runs on. Each has an
 * ssh:// URL berth deploys through and an address other machines reach its
 * services at (default: the URL's host), and how its part runs there
 * (Compose, or a Swarm stack). A service names its machine with
 * `node:`; without it, it runs where berth runs.
 */
import * as v from 'valibot';
import { dict } from './dict.js';
import { parseSshUrl } from '../util/ssh-url.js';
import { SERVICE_NAME_RE } from '../util/names.js';

export const nodeName = v.pipe(
  v.string('must be a node name'),
  v.regex(SERVICE_NAME_RE, 'is not a valid node name; use lowercase letters, digits, - and _ (starting with a letter or digit)'),
);

const address = v.pipe(
  v.string('must be a host name or IP address'),
  v.regex(/^(?:[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/, 'is not a host name or IP address (no scheme, port or brackets), like backend.example or 10.0.0.5'),
);

const sshUrl = v.pipe(
  v.string('must be an ssh:// URL'),
  v.check((t) => parseSshUrl(t) !== undefined, 'is not an ssh:// URL like ssh://deploy@backend.example:22 (user and port optional)'),
);

export const nodeSchema = v.strictObject(
  {
    host: sshUrl,
    address: v.optional(address),
    target: v.optional(v.picklist(['compose', 'swarm'], 'must be compose or swarm')),
  },
  'must be a map: host (ssh://user@host:port), address, target (compose or swarm)',
);

export const nodesSchema = v.pipe(
  dict(nodeName, nodeSchema, 'must be a map of node name: {host, address}'),
  v.check((n) => Object.keys(n).length > 0, 'needs at least one node; add one, like core: {host: ssh://deploy@backend.example}, or remove nodes:'),
);

export interface NodeSpec {
  host: string;
  address?: string;
  /** How berth deploy runs the node's part: Compose (default), or a Swarm stack (the node is a Swarm manager). */
  target?: 'compose' | 'swarm';
}
