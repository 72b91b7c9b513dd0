/**
 * /api/v1/agent/: what an agent calls, with its own credential (auth.ts puts
 * the agent on the request). It sends heartbeats, long-polls for its next
 * job, acknowledges it, streams its log lines and sends its result. Every job
 * route names the lease the agent holds: an agent reads and moves only its
 * own jobs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BerthError } from '../../errors.js';
import type { AgentRecord } from '../../store/records/agents.js';
import type { ServerContext } from '../context.js';
import { STATUS_OF } from '../http-errors.js';
import { ERRORS, jobLogLine, openObject, ref } from '../schemas.js';

type JobCall<B = unknown> = { Params: { id: string }; Body: B };
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const leaseId = { type: 'string', maxLength: 64 } as const;
/** The longest a long poll waits: below the usual idle timeouts of proxies. */
const MAX_WAIT_S = 30;

const agentOf = (req: FastifyRequest): AgentRecord => req.berthAgent!;

export function registerAgentApi(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: { intervalSeconds: number; facts: Record<string, unknown>; stacks: unknown[] } }>('/api/v1/agent/heartbeat', {
    schema: {
      summary: "an agent's heartbeat: its host facts and stacks",
      tags: ['agent'],
      security: [{ agent: [] }],
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['intervalSeconds', 'facts', 'stacks'],
        properties: { intervalSeconds: { type: 'number', minimum: 1, maximum: 3600 }, facts: openObject, stacks: { type: 'array', maxItems: 1000, items: openObject } },
      },
      response: { 200: { type: 'object', properties: { agent: ref('Agent') } }, ...ERRORS },
    },
  }, async (req) => ({ agent: await ctx.agents.heartbeat(agentOf(req), req.body) }));

  app.get<{ Querystring: { waitSeconds: number } }>('/api/v1/agent/jobs/next', {
    schema: {
      summary: "the agent's next job, leased to it (long poll)",
      description: 'Waits up to waitSeconds for a job: 200 with the job and its lease id, which the agent acknowledges within the ack time; 204 when none came.',
      tags: ['agent'],
      security: [{ agent: [] }],
      querystring: { type: 'object', additionalProperties: false, properties: { waitSeconds: { type: 'integer', minimum: 0, maximum: MAX_WAIT_S, default: 25 } } },
      response: { 200: { type: 'object', properties: { job: ref('Job'), leaseId, ackSeconds: { type: 'number' } } }, 204: { type: 'null' }, ...ERRORS },
    },
  }, async (req, reply) => {
    const stop = new AbortController();
    req.raw.on('close', () => stop.abort());
    const next = await ctx.agents.next(agentOf(req).id, req.query.waitSeconds * 1000, stop.signal);
    if (!next) return reply.code(204).send();
    return { ...next, ackSeconds: ctx.agents.times.ackMs / 1000 };
  });

  app.get<{ Params: { id: string } }>('/api/v1/agent/jobs/:id', {
    schema: { summary: 'one of the agent\'s own jobs', tags: ['agent'],
      security: [{ agent: [] }], params: idParams, response: { 200: { type: 'object', properties: { job: ref('Job') } }, ...ERRORS } },
  }, async (req) => {
    const job = await ctx.jobStore.get(req.params.id);
    // Another agent's job, or the server's, is not there for this agent.
    if (!job || job.agent !== agentOf(req).id) throw new BerthError(`no job ${req.params.id} for this agent`, { code: 'not_found' });
    return { job };
  });

  registerLeaseRoutes(app, ctx);
}

function registerLeaseRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<JobCall<{ leaseId: string }>>('/api/v1/agent/jobs/:id/ack', {
    schema: {
      summary: 'the agent starts a job it leased',
      tags: ['agent'],
      security: [{ agent: [] }],
      params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['leaseId'], properties: { leaseId } },
      response: { 200: { type: 'object', properties: { job: ref('Job'), leaseSeconds: { type: 'number' } } }, ...ERRORS },
    },
  }, async (req) => ({ job: await ctx.agents.ack(agentOf(req).id, req.params.id, req.body.leaseId), leaseSeconds: ctx.agents.times.leaseMs / 1000 }));

  app.post<JobCall<{ leaseId: string; lines: { seq: number; time: string; line: string }[] }>>('/api/v1/agent/jobs/:id/log', {
    schema: {
      summary: "lines of a running job's log (none: the agent is still on it)",
      tags: ['agent'],
      security: [{ agent: [] }],
      params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['leaseId', 'lines'], properties: { leaseId, lines: { type: 'array', maxItems: 1000, items: { ...jobLogLine, required: ['seq', 'time', 'line'] } } } },
      response: { 204: { type: 'null' }, ...ERRORS },
    },
  }, async (req, reply) => {
    await ctx.agents.log(agentOf(req).id, req.params.id, req.body.leaseId, req.body.lines);
    return reply.code(204).send();
  });

  app.post<JobCall<{ leaseId: string; ok: boolean; result?: unknown; error?: { code: string; message: string } }>>('/api/v1/agent/jobs/:id/result', {
    schema: {
      summary: 'how a job ended',
      tags: ['agent'],
      security: [{ agent: [] }],
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['leaseId', 'ok'],
        properties: { leaseId, ok: { type: 'boolean' }, result: openObject, error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', maxLength: 32 }, message: { type: 'string', maxLength: 10_000 } } } },
      },
      response: { 200: { type: 'object', properties: { job: ref('Job') } }, ...ERRORS },
    },
  }, async (req) => {
    const b = req.body;
    const e = b.error ?? { code: 'failed', message: 'the agent gave no reason' };
    // An error code berth does not know is a failure like any other.
    const code = Object.hasOwn(STATUS_OF, e.code) ? e.code : 'failed';
    const r = b.ok ? { ok: true as const, result: b.result ?? {} } : { ok: false as const, error: { code, message: e.message } };
    return { job: await ctx.agents.finish(agentOf(req).id, req.params.id, b.leaseId, r) };
  });
}
