/**
 * Who may ask what. Every endpoint needs the bearer token (BERTH_AUTH_TOKEN)
 * except /healthz (what container probes call), /metrics when the server was
 * started with --public-metrics, and the API of a reporting server started
 * with --public. A read-only server refuses every method but GET and HEAD,
 * before anything else, whoever asks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, errorJson } from '../errors.js';
import { STATUS_OF } from './http-errors.js';

export interface AccessPolicy {
  /** The bearer token; absent only when nothing needs it. */
  token?: string;
  readOnly: boolean;
  /** The API (and the events stream) without a token: a reporting server with --public. */
  publicApi: boolean;
  publicMetrics: boolean;
}

/** Equal lengths for timingSafeEqual, and no early exit on the first differing byte. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const READ_METHODS = new Set(['GET', 'HEAD']);

function refuse(reply: FastifyReply, e: BerthError, headers: Record<string, string>) {
  return reply.code(STATUS_OF[e.code]).headers(headers).send(errorJson(e));
}

function needsToken(p: AccessPolicy, path: string): boolean {
  if (path === '/healthz') return false;
  if (path === '/metrics') return !p.publicMetrics;
  if (path === '/api/v1' || path.startsWith('/api/v1/')) return !p.publicApi;
  return true;
}

export function registerAccess(app: FastifyInstance, p: AccessPolicy): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (p.readOnly && !READ_METHODS.has(req.method)) {
      return refuse(reply, new BerthError(`this berth server is read-only (reporting): ${req.method} is not allowed; make changes through the web server`, { code: 'read_only' }), { allow: 'GET, HEAD' });
    }
    const path = req.url.split('?')[0]!;
    if (!needsToken(p, path)) return;
    const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!p.token || !m || !tokenMatches(m[1]!.trim(), p.token)) {
      return refuse(reply, new BerthError('this endpoint needs Authorization: Bearer <BERTH_AUTH_TOKEN>; the token was missing or wrong', { code: 'unauthorized' }), { 'www-authenticate': 'Bearer realm="berth"' });
    }
  });
}
