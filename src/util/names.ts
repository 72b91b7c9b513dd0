/** `my-db.1` -> `MY_DB_1`: the prefix berth gives a service's env and secret names. */
export function envPrefix(serviceName: string): string {
  return serviceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export const STACK_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
export const SERVICE_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** A host address in front of a port: IPv6 in brackets ([::1]:5432), as Compose and URLs write it. */
export function hostAddress(bind: string): string {
  return bind.includes(':') ? `[${bind}]` : bind;
}
