/**
 * Logging in and out. The form takes the API token, compared in constant
 * time; an address that failed too often in the last minute is turned away
 * (429 with Retry-After) before the token is even looked at. A session
 * starts only on success; logging out ends it on the server.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tokenMatches } from '../auth.js';
import { PAGE, frameOf, type Dashboard } from './context.js';
import { loginPage } from './login-page.js';
import { sendHtml } from './respond.js';

type LoginBody = { Body?: Record<string, unknown>; Querystring: { next?: string } };

/** Only a path of this server (no //host, no backslashes, not the login itself); else the stacks. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])[^\\\s]*$/.test(next) || next.startsWith('/login')) return '/stacks';
  return next;
}

export function registerSessionRoutes(app: FastifyInstance, d: Dashboard): void {
  const sessions = d.sessions!;
  const frame = (req: FastifyRequest) => ({ ...frameOf(d, req), session: null });

  app.get<LoginBody>('/login', PAGE, async (req, reply) => {
    const next = safeNext(req.query.next);
    if (await sessions.of(req)) return reply.redirect(next, 303);
    return sendHtml(reply, loginPage(frame(req), { next }));
  });

  app.post<LoginBody>('/login', PAGE, async (req, reply) => {
    const next = safeNext(req.body?.next);
    const wait = d.limiter.retryAfter(req.ip);
    if (wait) return sendHtml(reply.header('retry-after', String(wait)), loginPage(frame(req), { next, retryAfter: wait }), 429);
    const given = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    if (!d.token || !given || !tokenMatches(given, d.token)) {
      d.limiter.failed(req.ip);
      d.ctx.log(`dashboard login refused from ${req.ip}`);
      return sendHtml(reply, loginPage(frame(req), { next, error: 'That is not the API token of this server.' }), 401);
    }
    await sessions.start(reply, req.ip);
    return reply.redirect(next, 303);
  });

  app.post('/logout', PAGE, async (req, reply) => {
    await sessions.end(req, reply);
    return reply.redirect('/login', 303);
  });
}
