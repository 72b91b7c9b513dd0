/**
 * The names of the files in a stack's directory. Apart from the renderers, so
 * that reading a stack (status, list) does not load them.
 */
export const SPEC_FILE = 'stack.yaml';
export const COMPOSE_FILE = 'docker-compose.yaml';
export const MANIFEST_FILE = '.berth.json';
