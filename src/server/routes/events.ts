/**
 * /api/v1/events: Server-Sent Events of what changes. A new listener first
 * gets every stack's state as last seen, then changes as they happen: `job`
 * (a job's state), `job.log` (a line a job logged), `stack` (a stack's state,
 * ready and active service counts), `stack.removed`, `engine` (whether the
 * Docker engine answers), `agent` (an agent enrolled, beat, went offline or
 * was revoked). A comment every 15 s keeps proxies from closing it;
 * a stream a dashboard session opened ends then too once that session has
 * (logged out or expired).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import type { ServerEvent } from '../events.js';
import type { Sessions } from '../sessions.js';
import { ERRORS } from '../schemas.js';

const KEEPALIVE_MS = 15_000;

export function registerEventRoutes(app: FastifyInstance, ctx: ServerContext, open: Set<() => void>, sessions?: Sessions): void {
  app.get('/api/v1/events', {
    // A HEAD would open a stream nobody reads.
    exposeHeadRoute: false,
    schema: {
      summary: 'a stream of state changes (text/event-stream)',
      description: 'Events: job, job.log, stack, stack.removed, engine, agent; each `data:` is one JSON object. Stack states are polled every 2 s while someone listens.',
      tags: ['events'],
      produces: ['text/event-stream'],
      response: { 200: { description: 'the event stream', type: 'string' }, ...ERRORS },
    },
  }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let id = 0;
    const send = (e: ServerEvent) => res.write(`id: ${++id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    res.write('retry: 2000\n\n');
    const snap = ctx.watcher.snapshot();
    if (snap.engine) send({ type: 'engine', engine: snap.engine });
    for (const stack of snap.stacks) send({ type: 'stack', stack });
    const off = ctx.bus.on(send);
    const stopWatching = ctx.watcher.listen();
    const session = req.berthSession;
    const ping = setInterval(() => {
      res.write(': ping\n\n');
      if (session && sessions) void sessions.live(session).then((live) => live || close(), () => undefined);
    }, KEEPALIVE_MS);
    const close = () => {
      clearInterval(ping);
      off();
      stopWatching();
      open.delete(close);
      res.end();
    };
    open.add(close);
    req.raw.on('close', close);
  });
}
