/**
 * /api/v1/agents, with the API token: enrollment tokens, the agents with
 * their state and host facts, one agent with its jobs, revoking one, and
 * queueing a job for one. POST /api/v1/agents/enroll takes no API token: the
 * agent spends a one-time enrollment token there for its own credential.
 */
import type { FastifyInstance } from 'fastify';
import { checkAgentJob, AGENT_ACTIONS, type AgentJobRequest } from '../../ops/agent-jobs.js';
import { TOKEN_TTL_MS } from '../agent-hub.js';
import type { ServerContext } from '../context.js';
import { ERRORS, ref } from '../schemas.js';
import { whoOf } from './stacks.js';

type ById = { Params: { id: string } };
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const str = { type: 'string' } as const;

export function registerAgentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body?: { ttlSeconds?: number } }>('/api/v1/agents/tokens', {
    preValidation: async (req) => void (req.body ??= {}),
    schema: {
      summary: 'a one-time enrollment token for a new agent',
      description: 'The token is in this answer only (the server keeps its hash); it enrolls one agent, within ttlSeconds (default 3600).',
      tags: ['agents'],
      body: { type: 'object', additionalProperties: false, properties: { ttlSeconds: { type: 'integer', minimum: 60, maximum: 7 * 86_400 } } },
      response: { 201: { type: 'object', properties: { token: str, expiresAt: { ...str, format: 'date-time' } } }, ...ERRORS },
    },
  }, async (req, reply) => {
    const ttl = req.body?.ttlSeconds ? req.body.ttlSeconds * 1000 : TOKEN_TTL_MS;
    return reply.code(201).send(await ctx.agents.createToken(whoOf(req), ttl));
  });

  app.post<{ Body: { token: string; name: string; intervalSeconds: number } }>('/api/v1/agents/enroll', {
    schema: {
      summary: 'enroll an agent with a one-time token',
      security: [],
      description: "No API token: the body's enrollment token is spent here (401 when unknown, spent or expired). The answer holds the agent's credential, once; the agent sends it as its bearer token.",
      tags: ['agents'],
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['token', 'name', 'intervalSeconds'],
        properties: { token: { type: 'string', maxLength: 200 }, name: { type: 'string', minLength: 1, maxLength: 255 }, intervalSeconds: { type: 'number', minimum: 1, maximum: 3600 } },
      },
      response: { 201: { type: 'object', properties: { agent: ref('Agent'), credential: str } }, ...ERRORS },
    },
  }, async (req, reply) => reply.code(201).send(await ctx.agents.enroll(req.body.token, req.body, req.ip)));

  app.get('/api/v1/agents', {
    schema: { summary: 'every agent with its state, host facts and stacks', tags: ['agents'], response: { 200: { type: 'object', properties: { agents: { type: 'array', items: ref('Agent') } } }, ...ERRORS } },
  }, async () => ({ agents: await ctx.agents.list() }));

  app.get<ById>('/api/v1/agents/:id', {
    schema: { summary: 'one agent and its latest jobs', tags: ['agents'], params: idParams, response: { 200: { type: 'object', properties: { agent: ref('Agent'), jobs: { type: 'array', items: ref('Job') } } }, ...ERRORS } },
  }, async (req) => {
    const a = await ctx.agents.get(req.params.id);
    return { agent: ctx.agents.view(a), jobs: await ctx.jobStore.list({ agent: a.id, limit: 50 }) };
  });

  app.delete<ById>('/api/v1/agents/:id', {
    schema: { summary: 'revoke an agent', description: 'Its credential opens nothing any more; its jobs that have not ended fail.', tags: ['agents'], params: idParams, response: { 200: { type: 'object', properties: { agent: ref('Agent') } }, ...ERRORS } },
  }, async (req) => ({ agent: await ctx.agents.revoke(req.params.id) }));

  registerAgentJobRoute(app, ctx);
}

function registerAgentJobRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.post<ById & { Body: AgentJobRequest }>('/api/v1/agents/:id/jobs', {
    schema: {
      summary: 'a job for an agent',
      description: "deploy (the stack.yaml in spec: generated and started on the agent's host, a release there), up, down, restart, status, logs, releases or rollback (to release, default the last healthy one before the running one) of a stack there. Queued until the agent takes it (at once when it is online); answers 202 with the job (Location: /api/v1/jobs/{id}).",
      tags: ['agents'],
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'stack'],
        properties: {
          action: { type: 'string', enum: [...AGENT_ACTIONS] },
          stack: str,
          spec: { ...str, description: 'deploy: the stack.yaml text' },
          services: { type: 'array', items: str },
          wait: { type: 'boolean' },
          timeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
          tail: { type: 'integer', minimum: 0, maximum: 10_000 },
          release: { type: 'integer', minimum: 1, description: 'rollback: the release to put back' },
        },
      },
      response: { 202: { type: 'object', properties: { job: ref('Job') } }, ...ERRORS },
    },
  }, async (req, reply) => {
    const { action, stack, params } = checkAgentJob(req.body);
    const job = await ctx.agents.queue(req.params.id, { stack, action, params: { ...params }, who: whoOf(req) });
    return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send({ job });
  });
}
