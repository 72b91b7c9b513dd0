/**
 * JSON schemas of what the API takes and returns: Fastify validates requests
 * and writes responses with them (a response carries only the fields declared
 * here), and the OpenAPI document is made from them.
 */
import { ACTIONS } from '../ops/actions.js';
import { AGENT_ACTIONS } from '../ops/agent-jobs.js';
import { JOB_STATES } from '../store/records/jobs.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;
/** An object whose fields are described in the README rather than here (manifests, service views). */
const open = { type: 'object', additionalProperties: true } as const;

export const SHARED = [
  {
    $id: 'Error',
    type: 'object',
    description: "An error as `berth --json` prints it; `code` says what kind (usage, not_found, conflict, locked, damaged, engine_unreachable, engine_failed, not_ready, io, unauthorized, forbidden, read_only, rate_limited, failed).",
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: str,
          message: str,
          path: { ...str, description: 'the key path or file the error is about' },
          issues: { type: 'array', items: { type: 'object', properties: { path: str, message: str, fix: str } } },
          details: str,
        },
      },
    },
  },
  {
    $id: 'Job',
    type: 'object',
    required: ['id', 'stack', 'action', 'params', 'who', 'state', 'createdAt'],
    properties: {
      id: str,
      stack: str,
      action: { type: 'string', enum: [...new Set([...ACTIONS, ...AGENT_ACTIONS])] },
      params: open,
      who: str,
      state: { type: 'string', enum: [...JOB_STATES] },
      createdAt: { ...str, format: 'date-time' },
      startedAt: { ...str, format: 'date-time' },
      finishedAt: { ...str, format: 'date-time' },
      result: open,
      error: { type: 'object', properties: { code: str, message: str } },
      agent: { ...str, description: 'the agent that runs it (absent: this server runs it)' },
      attempts: { ...int, description: 'how many times it was handed to its agent' },
    },
  },
  {
    $id: 'Agent',
    type: 'object',
    required: ['id', 'name', 'online', 'createdAt', 'intervalSeconds'],
    properties: {
      id: str,
      name: str,
      online: { type: 'boolean', description: 'a heartbeat came within 3 of its intervals' },
      createdAt: { ...str, format: 'date-time' },
      enrolledFrom: str,
      intervalSeconds: { type: 'number' },
      lastHeartbeat: { ...str, format: 'date-time' },
      facts: { ...open, description: 'hostname, engine and Compose versions, CPUs, memory, disk, GPUs' },
      stacks: { type: 'array', items: open, description: "the stacks of the agent's host at its last heartbeat" },
      revokedAt: { ...str, format: 'date-time' },
    },
  },
  {
    $id: 'StackRow',
    type: 'object',
    required: ['name', 'state'],
    properties: {
      name: str,
      state: { type: 'string', enum: ['running', 'starting', 'degraded', 'stopped', 'damaged', 'unknown'] },
      ready: int,
      activeServices: int,
      services: strings,
      ports: { type: 'array', items: int },
      profiles: strings,
      dir: str,
      updated: str,
      damaged: str,
    },
  },
  {
    $id: 'Engine',
    type: 'object',
    required: ['ok'],
    properties: { ok: { type: 'boolean' }, code: str, message: str },
  },
] as const;

export const ref = (id: (typeof SHARED)[number]['$id']) => ({ $ref: `${id}#` });

/** Error answers every route may give. */
export const ERRORS = { '4xx': ref('Error'), '5xx': ref('Error') };

export const stackParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', description: 'stack name: up to 63 lowercase letters, digits, - and _, starting with a letter or digit' } },
} as const;

const services = { type: 'array', items: str, description: 'only these services (none: all of them)' } as const;
const waiting = {
  wait: { type: 'boolean', description: 'wait until every service is healthy (default true)' },
  timeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, description: 'how long to wait for health (default 300)' },
} as const;

export const actionBodies = {
  up: { type: 'object', additionalProperties: false, properties: { services, ...waiting } },
  down: { type: 'object', additionalProperties: false, properties: { services } },
  restart: { type: 'object', additionalProperties: false, properties: { services, ...waiting } },
  scale: {
    type: 'object',
    additionalProperties: false,
    required: ['replicas'],
    properties: { replicas: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, description: 'service -> number of replicas, e.g. {"worker": 3}' }, ...waiting },
  },
  rollback: {
    type: 'object',
    additionalProperties: false,
    properties: {
      release: { type: 'integer', minimum: 1, description: 'the release to put back on this host (default: the last healthy one before the running one); GET /api/v1/stacks/{name}/releases lists them' },
      timeoutSeconds: waiting.timeoutSeconds,
    },
  },
} as const;

export const generateResult = {
  type: 'object',
  properties: {
    stack: str,
    dir: str,
    created: { type: 'boolean' },
    profiles: strings,
    services: { type: 'array', items: { type: 'object', properties: { name: str, component: str, image: str, ports: { type: 'array', items: open }, profiles: strings, replicas: int } } },
    files: strings,
    generatedSecrets: { ...strings, description: 'names of the secrets generated into .env (never their values)' },
    warnings: strings,
  },
} as const;

export const logRecord = {
  type: 'object',
  properties: { service: str, replica: int, container: str, stream: str, time: str, line: str },
} as const;

export const jobLogLine = { type: 'object', properties: { seq: int, time: str, line: str } } as const;

export { open as openObject };
