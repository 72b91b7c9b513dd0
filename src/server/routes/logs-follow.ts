/**
 * /api/v1/stacks/{name}/logs/follow: a stack's logs as they are written, one
 * JSON record a line (application/x-ndjson), as `berth logs -f --json` prints
 * them: the last `tail` lines of each container first, then new lines, and
 * containers that start later (restarts, new replicas) joined on the way.
 * It ends when the caller goes away or the server stops.
 */
import type { FastifyInstance } from 'fastify';
import { ensureEngine, expandServices, openStack } from '../../ops/session.js';
import { streamStackLogs } from '../../ops/logs.js';
import type { ServerContext } from '../context.js';
import { ERRORS, stackParams } from '../schemas.js';

export function registerLogFollow(app: FastifyInstance, ctx: ServerContext, open: Set<() => void>): void {
  app.get<{ Params: { name: string }; Querystring: { tail?: number; service?: string[] } }>('/api/v1/stacks/:name/logs/follow', {
    // A HEAD would open a stream nobody reads.
    exposeHeadRoute: false,
    schema: {
      summary: "a stack's logs as they are written (application/x-ndjson)",
      description: 'One JSON record a line (service, replica, container, stream, time, line), as `berth logs -f --json` prints them; the stream stays open until the caller closes it.',
      tags: ['stacks'],
      params: stackParams,
      produces: ['application/x-ndjson'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tail: { type: 'integer', minimum: 0, maximum: 10_000, default: 50, description: 'lines from the end of each container log before the new ones' },
          service: { type: 'array', items: { type: 'string' }, description: 'only these services (repeat the parameter)' },
        },
      },
      response: { 200: { description: 'the log records, one a line', type: 'string' }, ...ERRORS },
    },
  }, async (req, reply) => {
    // Checked before the stream opens, so a bad stack or service is an ordinary error answer.
    const s = openStack(ctx.deps, req.params.name);
    const services = expandServices(s, req.query.service ?? []);
    await ensureEngine(s);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    const stop = new AbortController();
    const close = () => {
      open.delete(close);
      stop.abort();
    };
    open.add(close);
    req.raw.on('close', close);
    await streamStackLogs(s, { services, follow: true, tail: req.query.tail, signal: stop.signal }, (r) => res.write(`${JSON.stringify(r)}\n`)).catch((e: Error) => {
      res.write(`${JSON.stringify({ error: { code: 'failed', message: e.message } })}\n`);
    });
    close();
    res.end();
  });
}
