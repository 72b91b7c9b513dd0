/**
 * /api/v1/stacks: every stack with its state, one stack in full, generate
 * from a stack.yaml, lifecycle actions as jobs, and a log tail. Stack and
 * service names are checked by the operations, as the CLI's are.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UsageError } from '../../errors.js';
import { stackOverview } from '../../ops/overview.js';
import { loadSpec } from '../../ops/spec-source.js';
import { generateStack, type GenerateResult } from '../../ops/generate.js';
import { ensureEngine, expandServices, openStack } from '../../ops/session.js';
import { streamStackLogs, type LogRecord } from '../../ops/logs.js';
import { ACTIONS, type StackAction } from '../../ops/actions.js';
import { listReleases } from '../../ops/releases.js';
import type { ServerContext } from '../context.js';
import { refuseOwnStack } from '../jobs.js';
import { ERRORS, actionBodies, generateResult, logRecord, openObject, ref, stackParams } from '../schemas.js';

type Named = { Params: { name: string } };

/** What a generate made, as the API shows it: names of generated secrets, never their values. */
function summary(r: GenerateResult) {
  const { stack } = r;
  return {
    stack: stack.name,
    dir: r.dir,
    created: r.created,
    profiles: stack.profiles,
    services: stack.services.map((s) => ({ name: s.name, component: s.component, image: s.image, ports: s.ports, profiles: s.profiles, replicas: s.replicas })),
    files: r.files,
    generatedSecrets: stack.generatedSecrets,
    warnings: stack.warnings,
  };
}

/** The stack.yaml of a generate request: a text/yaml body, or JSON {"spec": "<yaml>"}. */
function specText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') return (body as { spec: string }).spec;
  throw new UsageError('body: give the stack.yaml, as text/yaml or as JSON {"spec": "<stack.yaml text>"}', undefined, { path: 'body' });
}

/** Who asked: the token is shared, so the caller's address says who it was (and whether it was a dashboard session). */
export const whoOf = (req: FastifyRequest) => `${req.berthSession ? 'dashboard' : 'token'}@${req.ip}`;

export interface ActionBody {
  services?: string[];
  wait?: boolean;
  timeoutSeconds?: number;
  replicas?: Record<string, number>;
  release?: number;
}

/** An action's body (as the API takes it, and as the dashboard's forms are read into) as the operation's action. */
export function stackAction(action: StackAction['action'], body: ActionBody): StackAction {
  const timeoutMs = body.timeoutSeconds !== undefined ? body.timeoutSeconds * 1000 : undefined;
  if (action === 'scale') return { action, replicas: body.replicas ?? {}, wait: body.wait, timeoutMs };
  if (action === 'rollback') return { action, ...(body.release !== undefined ? { release: body.release } : {}), timeoutMs };
  if (action === 'down') return { action, services: body.services };
  return { action, services: body.services, wait: body.wait, timeoutMs };
}

function registerActions(app: FastifyInstance, ctx: ServerContext): void {
  for (const action of ACTIONS) {
    app.post<Named & { Body?: Record<string, unknown> }>(
      `/api/v1/stacks/:name/${action}`,
      {
        // No body at all (curl -X POST) means no options.
        preValidation: async (req) => void (req.body ??= {}),
        schema: {
          summary: `${action} a stack, as a job`,
          description: `Checks the stack and services at once (400, 404), then runs berth ${action} in the background; answers 202 with the job (Location: /api/v1/jobs/{id}).`,
          tags: ['stacks'],
          params: stackParams,
          body: actionBodies[action],
          response: { 202: { type: 'object', properties: { job: ref('Job') } }, ...ERRORS },
        },
      },
      async (req, reply) => {
        const a = stackAction(action, (req.body ?? {}) as ActionBody);
        const job = await ctx.jobs.start(req.params.name, a, whoOf(req));
        return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send({ job });
      },
    );
  }
}

export function registerStackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // One look answers many callers: it is written out (through the route's schema) once, as the bytes every answer sends.
  const written = new WeakMap<object, Buffer>();
  app.get('/api/v1/stacks', {
    schema: {
      summary: 'every stack on this host with its state',
      description: 'When the Docker engine does not answer, the stacks are still listed, with the state `unknown`, and `engine` says why. Callers at the same moment share one look at the stacks, which answers for a second; an older one (up to 5 s) answers while the next look is under way, so a change made outside the server shows within about a second while callers keep coming, within 5 s at most. A job that ends or a generate through this server shows at once.',
      tags: ['stacks'],
      response: { 200: { type: 'object', properties: { engine: ref('Engine'), stacks: { type: 'array', items: ref('StackRow') } } }, ...ERRORS },
    },
  }, async (_req, reply) => {
    const o = await ctx.overview.get();
    let body = written.get(o);
    if (body === undefined) written.set(o, (body = Buffer.from(reply.serialize(o) as string)));
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get<Named>('/api/v1/stacks/:name', {
    schema: {
      summary: 'one stack: what it is made of, and its services as they run',
      description: '`details` is what `berth show --json` prints (secret names, never values); `status` is what `berth status NAME --json` prints.',
      tags: ['stacks'],
      params: stackParams,
      response: { 200: { type: 'object', properties: { details: openObject, status: openObject } }, ...ERRORS },
    },
  }, (req) => stackOverview(ctx.deps, req.params.name));

  app.get<Named>('/api/v1/stacks/:name/releases', {
    schema: {
      summary: "a stack's releases, newest first",
      description: 'As `berth releases NAME --json` prints them: every `up` of the whole stack on this host (node `here`) and every deploy, with files that carry no secret, images with ids and digests, variables and results; `current` says which release each node runs. No secret value.',
      tags: ['stacks'],
      params: stackParams,
      response: { 200: { type: 'object', properties: { stack: { type: 'string' }, releases: { type: 'array', items: openObject }, current: { type: 'object', additionalProperties: { type: 'integer' } } } }, ...ERRORS },
    },
  }, (req) => listReleases(ctx.deps, req.params.name));

  registerGenerate(app, ctx);
  registerActions(app, ctx);
  registerLogs(app, ctx);
}

function registerGenerate(app: FastifyInstance, ctx: ServerContext): void {
  app.post<Named & { Body: string | { spec: string } }>('/api/v1/stacks/:name', {
    schema: {
      summary: 'generate (or regenerate) a stack from a stack.yaml',
      description: 'The body is the stack.yaml (text/yaml), or JSON {"spec": "<stack.yaml text>"}. Relative paths in it resolve where the stack was first generated from; for a new stack they may not point into its folder. 201 when the stack is new, 200 when it was regenerated.',
      tags: ['stacks'],
      params: stackParams,
      body: {
        content: {
          'application/json': { schema: { type: 'object', additionalProperties: false, required: ['spec'], properties: { spec: { type: 'string', description: 'the stack.yaml text' } } } },
          'text/yaml': { schema: { type: 'string' } },
        },
      },
      response: { 200: generateResult, 201: generateResult, ...ERRORS },
    },
  }, async (req, reply) => {
    const { name } = req.params;
    refuseOwnStack(name, ctx.ownStack, 'generate');
    const dir = ctx.deps.store.stacks.dir(name);
    const loaded = loadSpec(ctx.deps, name, { text: specText(req.body), dir, label: 'stack.yaml' });
    const r = await generateStack(ctx.deps, { name, ...loaded });
    ctx.overview.invalidate();
    return reply.code(r.created ? 201 : 200).send(summary(r));
  });
}

function registerLogs(app: FastifyInstance, ctx: ServerContext): void {
  app.get<Named & { Querystring: { tail?: number; service?: string[] } }>('/api/v1/stacks/:name/logs', {
    schema: {
      summary: "the last lines of a stack's logs",
      description: 'Every line as a record (service, replica, container, stream, time, line), merged in time order, as `berth logs --json` prints them.',
      tags: ['stacks'],
      params: stackParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tail: { type: 'integer', minimum: 0, maximum: 10_000, default: 200, description: 'lines from the end of each container log' },
          service: { type: 'array', items: { type: 'string' }, description: 'only these services (repeat the parameter)' },
        },
      },
      response: { 200: { type: 'object', properties: { stack: { type: 'string' }, records: { type: 'array', items: logRecord } } }, ...ERRORS },
    },
  }, async (req) => {
    const s = openStack(ctx.deps, req.params.name);
    const services = expandServices(s, req.query.service ?? []);
    await ensureEngine(s);
    const records: LogRecord[] = [];
    await streamStackLogs(s, { services, follow: false, tail: req.query.tail }, (r) => records.push(r));
    return { stack: s.ref.name, records };
  });
}
