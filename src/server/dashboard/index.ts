/**
 * The web dashboard: server-rendered pages over the same operations and
 * records as the API, with a small script that keeps them live. Its routes
 * live in a scope of their own, so their errors are answered as pages (or
 * parts, or JSON for the script) while the API keeps answering JSON. A
 * server started without BERTH_SECRET_KEY (and not public) has no dashboard:
 * its / says why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpError } from '../http-errors.js';
import { registerActionRoute } from './action-route.js';
import { registerAssets } from './assets.js';
import { frameOf, type Dashboard } from './context.js';
import { dashboardOffPage } from './login-page.js';
import { registerPages } from './pages.js';
import { sendError, sendHtml } from './respond.js';
import { registerSessionRoutes } from './session-routes.js';

export type { Dashboard } from './context.js';

export async function registerDashboard(app: FastifyInstance, d: Dashboard): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((e, req, reply) => {
      const h = httpError(e, d.ctx.deps.home);
      if (h.unexpected) d.ctx.log(`${req.method} ${req.routeOptions.url ?? req.url}: ${h.body.error.message}`);
      return sendError(req, reply, h, frameOf(d, req));
    });
    registerAssets(scope);
    registerPages(scope, d);
    if (d.sessions) registerSessionRoutes(scope, d);
    if (!d.ctx.readOnly) registerActionRoute(scope, d);
  });
}

/** A path outside the API that no page has: a page saying so. */
export function pageNotFound(d: Dashboard, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0]!;
  return sendError(req, reply, { status: 404, unexpected: false, body: { error: { code: 'not_found', message: `no page ${path}` } } }, frameOf(d, req));
}

/** Without a dashboard, / says why (and how to turn it on); the rest is the API's. */
export function registerDashboardOff(app: FastifyInstance, mode: string): void {
  app.get('/', { schema: { hide: true } }, (_req, reply) => sendHtml(reply, dashboardOffPage(mode), 503));
}
