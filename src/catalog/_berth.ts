/** berth's own image: the same CLI, run as `berth serve web|reporting` or `berth agent`. */
import type { ComponentContext, SecretDecl } from './types.js';
import type { Service } from '../model/service.js';
import type { Text } from '../model/text.js';
import { baseService, volume } from './_base.js';
import { FAST, httpGet } from './_health.js';
import type { ComponentDef } from './types.js';

export const BERTH_VERSION = '0.1.0';
export const BERTH_IMAGE = `ghcr.io/berth-stack/berth:${BERTH_VERSION}`;

export const AUTH_TOKEN: SecretDecl = { key: 'authToken', env: 'BERTH_AUTH_TOKEN', kind: 'token', doc: 'bearer token for the REST API and agent registration (--auth-token)' };
export const SECRET_KEY: SecretDecl = { key: 'secretKey', env: 'BERTH_SECRET_KEY', kind: 'token', doc: 'key that signs web sessions (--secret-key)' };

/** Probe with the Node runtime the image already has: no curl or wget needed. */
export function nodeProbe(port: number, path: string) {
  return httpGet(port, path, FAST, 'node');
}

export function berthService<O>(ctx: ComponentContext<O>, def: ComponentDef<O>, args: string[], port: number, env: Record<string, Text>): Service {
  return baseService(ctx, def, {
    command: ['berth', ...args, '--port', String(port)],
    environment: { BERTH_DATA_DIR: '/data', ...env },
    mounts: [volume(`${ctx.service}-data`, '/data')],
    probe: nodeProbe(port, '/healthz'),
    metrics: { port, path: '/metrics' },
  });
}
