/** What the dashboard's routes share: the server, its sessions and login limit, and the frame of a page for a request. */
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import type { LoginLimiter } from '../login-limit.js';
import type { Sessions } from '../sessions.js';
import type { PageFrame } from './layout.js';

export interface Dashboard {
  ctx: ServerContext;
  /** Absent when pages need no session (a reporting server with --public). */
  sessions?: Sessions;
  limiter: LoginLimiter;
  /** The API token the login form takes. */
  token?: string;
  now(): number;
}

export type Frame = Omit<PageFrame, 'title' | 'section'>;

export const frameOf = (d: Dashboard, req: FastifyRequest): Frame => ({ mode: d.ctx.mode, readOnly: d.ctx.readOnly, session: req.berthSession, ...(d.ctx.ownStack ? { ownStack: d.ctx.ownStack } : {}) });

/** Route options of every page: not part of the API, so not in its OpenAPI document. */
export const PAGE = { schema: { hide: true } } as const;
