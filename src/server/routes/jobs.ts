/** /api/v1/jobs: the actions the server ran or runs, newest first, and one with its log lines. */
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../../errors.js';
import { JOB_STATES, type JobState } from '../../store/records/jobs.js';
import type { ServerContext } from '../context.js';
import { ERRORS, jobLogLine, ref } from '../schemas.js';
import { whoOf } from './stacks.js';

export function registerJobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { stack?: string; state?: JobState; limit: number } }>('/api/v1/jobs', {
    schema: {
      summary: 'jobs, newest first',
      tags: ['jobs'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          stack: { type: 'string', description: 'only jobs of this stack' },
          state: { type: 'string', enum: [...JOB_STATES] },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: ref('Job') } } }, ...ERRORS },
    },
  }, async (req) => ({ jobs: await ctx.jobStore.list(req.query) }));

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', {
    schema: {
      summary: 'one job with its log lines',
      tags: ['jobs'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { 200: { type: 'object', properties: { job: ref('Job'), logs: { type: 'array', items: jobLogLine } } }, ...ERRORS },
    },
  }, async (req) => {
    const job = await ctx.jobStore.get(req.params.id);
    if (!job) throw new BerthError(`no job ${req.params.id}; GET /api/v1/jobs lists them`, { code: 'not_found' });
    return { job, logs: await ctx.jobStore.logs(job.id) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/jobs/:id/cancel', {
    schema: {
      summary: "cancel a job: one not started yet never runs; one this server runs stops waiting (for health, a lock) and ends as cancelled, keeping what it already did",
      tags: ['jobs'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { 202: { type: 'object', properties: { job: ref('Job') } }, ...ERRORS },
    },
  }, async (req, reply) => {
    const { id } = req.params;
    const job = await ctx.jobStore.get(id);
    if (!job) throw new BerthError(`no job ${id}; GET /api/v1/jobs lists them`, { code: 'not_found' });
    const who = whoOf(req);
    const cancelled = job.agent ? await ctx.jobStore.cancelWaiting(id, new Date().toISOString(), who) : ctx.jobs.cancel(id, who);
    if (!cancelled) {
      const why = job.agent && job.state === 'running' ? `it is running on its agent, which finishes it (or fails it when its lease runs out)` : `it is ${job.state}`;
      throw new BerthError(`job ${id} cannot be cancelled: ${why}`, { code: 'conflict' });
    }
    const now = (await ctx.jobStore.get(id))!;
    if (job.agent) ctx.bus.emit({ type: 'job', job: now });
    return reply.code(202).send({ job: now });
  });
}
