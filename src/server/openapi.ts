/**
 * The OpenAPI document, made from the routes' own schemas (so it cannot drift
 * from what the server validates), served at /api/v1/openapi.json.
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { BERTH_VERSION } from '../catalog/_berth.js';
import type { ServerMode } from './context.js';

export async function registerOpenApi(app: FastifyInstance, mode: ServerMode, readOnly: boolean): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `berth ${mode} API`,
        version: BERTH_VERSION,
        description: `berth's REST API: the stacks of this host, their lifecycle as jobs, agents on other hosts and their jobs, and a stream of state changes. Every route needs Authorization: Bearer <BERTH_AUTH_TOKEN> unless it says otherwise.${readOnly ? ' This server is read-only: every method but GET and HEAD answers 405.' : ''}`,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'BERTH_AUTH_TOKEN' },
          agent: { type: 'http', scheme: 'bearer', description: "an agent's credential, from its enrollment" },
        },
      },
      security: [{ bearer: [] }],
      tags: [{ name: 'stacks' }, { name: 'jobs' }, { name: 'agents' }, { name: 'agent', description: "what an agent calls, with its own credential" }, { name: 'events' }, { name: 'server' }],
    },
    // Shared schemas keep their names ($id) in components.schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.get('/api/v1/openapi.json', { schema: { summary: 'this document', tags: ['server'] } }, () => app.swagger());
}
