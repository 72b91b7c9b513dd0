/** /healthz: what container probes call, without a token. It answers 200 while the server can reach its own records. */
import type { FastifyInstance } from 'fastify';
import { BERTH_VERSION } from '../../catalog/_berth.js';
import type { ServerContext } from '../context.js';

export function registerHealth(app: FastifyInstance, ctx: ServerContext): void {
  const health = { type: 'object', properties: { status: { type: 'string' }, mode: { type: 'string' }, storage: { type: 'string' }, version: { type: 'string' } } };
  app.get('/healthz', {
    schema: {
      summary: 'liveness and readiness (no token needed)',
      tags: ['server'],
      security: [],
      response: { 200: health, 503: health },
    },
  }, async (_req, reply) => {
    const base = { mode: ctx.mode, storage: ctx.records.kind, version: BERTH_VERSION };
    try {
      await ctx.records.ping();
      return { status: 'ok', ...base };
    } catch {
      return reply.code(503).send({ status: 'storage unreachable', ...base });
    }
  });
}
