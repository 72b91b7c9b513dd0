/**
 * Who may ask what. The API needs the bearer token (BERTH_AUTH_TOKEN) on
 * every endpoint except /healthz (what container probes call), /metrics when
 * the server was started with --public-metrics, and the API of a reporting
 * server started with --public. A dashboard session may also read the API (a
 * page's event stream and log tail), never change anything through it. The
 * dashboard's pages need a session (a reporting server with --public: none);
 * its login form and static files are open. A read-only server refuses every
 * method but GET and HEAD before anything else, whoever asks, except logging
 * in and out, which change no stack. An agent's own routes (/api/v1/agent/)
 * take its credential and nothing else (not the API token, which is no
 * agent's); enrolling takes a one-time token the route itself checks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, errorJson } from '../errors.js';
import { STATUS_OF } from './http-errors.js';
import type { Sessions } from './sessions.js';
import type { AgentRecord } from '../store/records/agents.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The agent whose credential the request carries (on /api/v1/agent/ routes). */
    berthAgent: AgentRecord | null;
  }
}

export interface AccessPolicy {
  /** The bearer token; absent only when nothing needs it. */
  token?: string;
  readOnly: boolean;
  /** The API (and the events stream) without a token: a reporting server with --public. */
  publicApi: boolean;
  publicMetrics: boolean;
  /** Whether the dashboard's pages are served. */
  dashboard: boolean;
  /** The dashboard's sessions; absent when its pages need none (--public) or it is off. */
  sessions?: Sessions;
  /** The agent a credential belongs to (none: no agent routes). */
  agentOf?: (credential: string) => Promise<AgentRecord | undefined>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Equal lengths for timingSafeEqual, and no early exit on the first differing byte. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The same against a token whose digest was taken once (the API token, checked on every request). */
const digestMatches = (given: string, expected: Buffer) => timingSafeEqual(digest(given), expected);

const READ_METHODS = new Set(['GET', 'HEAD']);
/** Changes to sessions, not to stacks: a read-only server takes them. */
const SESSION_PATHS = new Set(['/login', '/logout']);

function refuse(reply: FastifyReply, e: BerthError, headers: Record<string, string> = {}) {
  return reply.code(STATUS_OF[e.code]).headers(headers).send(errorJson(e));
}

type Guard = 'open' | 'token' | 'page' | 'agent';

/** Where an agent enrolls (its one-time token is checked by the route) and where it works (its credential). */
export const ENROLL_PATH = '/api/v1/agents/enroll';
export const AGENT_PREFIX = '/api/v1/agent/';

function guardOf(p: AccessPolicy, path: string): Guard {
  if (path === '/healthz') return 'open';
  if (path === ENROLL_PATH) return 'open';
  if (path.startsWith(AGENT_PREFIX)) return 'agent';
  if (path === '/metrics') return p.publicMetrics ? 'open' : 'token';
  if (path === '/api/v1' || path.startsWith('/api/v1/')) return p.publicApi ? 'open' : 'token';
  // Without the dashboard, / says why and everything else is the API's.
  if (!p.dashboard) return path === '/' ? 'open' : 'token';
  if (path === '/login' || path.startsWith('/assets/')) return 'open';
  return p.sessions ? 'page' : 'open';
}

const bearerOf = (req: FastifyRequest) => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();

const bearerOk = (req: FastifyRequest, token: Buffer | undefined) => {
  const given = bearerOf(req);
  return !!token && !!given && digestMatches(given, token);
};

const unauthorized = () => new BerthError('this endpoint needs Authorization: Bearer <BERTH_AUTH_TOKEN>; the token was missing or wrong', { code: 'unauthorized' });

export function registerAccess(app: FastifyInstance, p: AccessPolicy): void {
  const token = p.token ? digest(p.token) : undefined;
  app.decorateRequest('berthSession', null);
  app.decorateRequest('berthAgent', null);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    const read = READ_METHODS.has(req.method);
    if (p.readOnly && !read && !(p.sessions && SESSION_PATHS.has(path))) {
      return refuse(reply, new BerthError(`this berth server is read-only (reporting): ${req.method} is not allowed; make changes through the web server`, { code: 'read_only' }), { allow: 'GET, HEAD' });
    }
    const guard = guardOf(p, path);
    if (guard === 'open') return;
    if (guard === 'agent') {
      const given = bearerOf(req);
      if (given && p.agentOf && (req.berthAgent = (await p.agentOf(given)) ?? null)) return;
      return refuse(reply, new BerthError("this endpoint is an agent's: it needs Authorization: Bearer <the agent's credential>; it was missing, wrong or revoked", { code: 'unauthorized' }), { 'www-authenticate': 'Bearer realm="berth-agent"' });
    }
    if (guard === 'token') {
      if (bearerOk(req, token)) return;
      if (read && p.sessions && path.startsWith('/api/v1/') && (req.berthSession = await p.sessions.of(req))) return;
      return refuse(reply, unauthorized(), { 'www-authenticate': 'Bearer realm="berth"' });
    }
    if ((req.berthSession = await p.sessions!.of(req))) return;
    // A page opened without a session goes to the login form; what a page's script fetches is told, and reloads.
    if (read && !path.startsWith('/parts/')) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return refuse(reply, new BerthError('no dashboard session (logged out, or it expired): log in at /login', { code: 'unauthorized' }));
  });
  // After the body is parsed: a change made with a session must carry its CSRF token.
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.berthSession || READ_METHODS.has(req.method)) return;
    if (!p.sessions!.csrfMatches(req, req.berthSession)) {
      return refuse(reply, new BerthError('this change is missing its CSRF token (or it belongs to another session); reload the page and try again', { code: 'forbidden' }));
    }
  });
}
