/** `my-db.1` -> `MY_DB_1`: the prefix berth gives a service's env and secret names. */
export function envPrefix(serviceName: string): string {
  return serviceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export const STACK_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
export const SERVICE_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
