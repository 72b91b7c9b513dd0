/**
 * The names of the files in a stack's directory. Apart from the renderers, so
 * that reading a stack (status, list) does not load them.
 */
export const SPEC_FILE = 'stack.yaml';
export const COMPOSE_FILE = 'docker-compose.yaml';
export const MANIFEST_FILE = '.berth.json';
/** Where a node's bundle is in the stack dir: nodes/<node>/. */
export const NODES_DIR = 'nodes';
/** The Compose project of a node's part of a stack. */
export const nodeProject = (stack: string, node: string) => `${stack}-${node}`;
