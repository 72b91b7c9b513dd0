/** berth's own image: the same CLI, run as `berth serve web|reporting` or `berth agent`. */
import type { ComponentContext, SecretDecl } from './types.js';
import type { Service } from '../model/service.js';
import type { Text } from '../model/text.js';
import { baseService, volume } from './_base.js';
import { FAST, httpGet } from './_health.js';
import type { ComponentDef } from './types.js';
import * as v from 'valibot';
import { opt } from '../spec/fields.js';

export const BERTH_VERSION = '0.1.0';
export const BERTH_IMAGE = `ghcr.io/berth-stack/berth:${BERTH_VERSION}`;

export const AUTH_TOKEN: SecretDecl = { key: 'authToken', env: 'BERTH_AUTH_TOKEN', kind: 'token', doc: 'bearer token for the REST API and agent registration (--auth-token)' };
export const SECRET_KEY: SecretDecl = { key: 'secretKey', env: 'BERTH_SECRET_KEY', kind: 'token', doc: 'key that signs web sessions (--secret-key)' };

/** Probe with the Node runtime the image already has: no curl or wget needed. */
export function nodeProbe(port: number, path: string) {
  return httpGet(port, path, FAST, 'node');
}

/**
 * The same over HTTPS, for `berth serve`, which serves TLS with a certificate
 * it made itself: the probe asks its own container, so it does not verify it.
 */
export function nodeTlsProbe(port: number, path: string) {
  return { http: { port, path, scheme: 'https' as const }, via: 'node' as const, ...FAST };
}

/**
 * `berth serve` (web, reporting) serves HTTPS with a self-signed certificate
 * by default; its /metrics is started open (--public-metrics) because
 * Prometheus would need the API token in a file of its own to send it, and
 * berth keeps secrets in .env alone; the metrics hold none.
 */
export function berthService<O>(ctx: ComponentContext<O>, def: ComponentDef<O>, args: string[], port: number, env: Record<string, Text>, o: { serve?: boolean } = {}): Service {
  return baseService(ctx, def, {
    command: ['berth', ...args, '--port', String(port), ...(o.serve ? ['--public-metrics'] : [])],
    environment: { BERTH_DATA_DIR: '/data', ...env },
    mounts: [volume(`${ctx.service}-data`, '/data')],
    // berth runs Compose and other programs: an init reaps them and passes signals on.
    init: true,
    probe: o.serve ? nodeTlsProbe(port, '/healthz') : nodeProbe(port, '/healthz'),
    metrics: o.serve ? { port, path: '/metrics', scheme: 'https', selfSigned: true } : { port, path: '/metrics' },
  });
}

/** Whether the server manages this machine's stacks: on by default, where the stack runs here. */
export const MANAGE_HOST = opt(
  v.boolean('must be true or false'),
  'boolean',
  "manage the stacks of the machine it runs on, with the CLI's $BERTH_HOME and the Docker socket (false: only the stacks made through its API, kept in its volume)",
  'true',
);

/**
 * The server (web, reporting) manages the stacks of the machine it runs on
 * with the same store and engine the CLI uses: the engine's socket, and
 * $BERTH_HOME at the same path, because Compose's bind mounts of those stacks
 * name host paths. Whoever holds the socket is root on the host anyway, so the
 * container starts as root and `berth serve` drops to the owner of the home,
 * so that what it writes there stays the user's. It knows the stack it runs
 * in, which it will not stop or change under itself. Read-only servers get
 * the home read-only. Only for a stack generated to run on this machine.
 */
export function manageHostStacks(ctx: ComponentContext<{ manageHost?: boolean }>, svc: Service, o: { readOnly: boolean }): void {
  if (!ctx.host || ctx.options.node !== undefined || ctx.options.manageHost === false) return;
  const { home, dockerSocket } = ctx.host;
  svc.mounts.push({ type: 'bind', source: dockerSocket, target: '/var/run/docker.sock' });
  svc.mounts.push({ type: 'bind', source: home, target: home, ...(o.readOnly ? { readOnly: true } : {}) });
  svc.environment.BERTH_HOME = home;
  svc.environment.BERTH_OWN_STACK = ctx.stack.name;
  svc.user = '0:0';
}
