/**
 * Every failure as the API answers it: `{"error": {code, message, path?,
 * issues?, details?}}` (errorJson, as `berth --json` prints it), with the HTTP
 * status its code maps to. Fastify's own refusals (a body that is not JSON, a
 * schema a body fails, an unknown content type) become usage errors with the
 * status Fastify chose.
 */
import type { FastifyError } from 'fastify';
import { BerthError, errorJson, isBerthError, type ErrorCode } from '../errors.js';
import { fsError } from '../util/fs-errors.js';

/**
 * `not_ready` is 504: the stack (the upstream of this request) did not become
 * ready in the time given. Actions run as jobs, so it mostly appears as a
 * job's error code rather than as a status.
 */
export const STATUS_OF: Record<ErrorCode, number> = {
  usage: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  read_only: 405,
  conflict: 409,
  cancelled: 409,
  locked: 409,
  rate_limited: 429,
  damaged: 500,
  io: 500,
  failed: 500,
  engine_failed: 502,
  engine_unreachable: 503,
  not_ready: 504,
};

export interface HttpError {
  status: number;
  body: ReturnType<typeof errorJson>;
  /** Not one of berth's errors: worth a line in the server's log. */
  unexpected: boolean;
}

/** `body/replicas/worker` -> `body.replicas.worker`: the key path a form can put the message next to. */
function validationPath(e: FastifyError): string | undefined {
  const v = e.validation?.[0];
  if (!v) return undefined;
  const where = (e.validationContext ?? 'body') as string;
  const missing = v.keyword === 'required' ? `.${String((v.params as { missingProperty?: string }).missingProperty)}` : '';
  const extra = v.keyword === 'additionalProperties' ? `.${String((v.params as { additionalProperty?: string }).additionalProperty)}` : '';
  return `${where}${v.instancePath.replace(/\//g, '.')}${missing}${extra}`;
}

export function httpError(e: unknown, home: string): HttpError {
  if (isBerthError(e)) return { status: STATUS_OF[e.code], body: errorJson(e), unexpected: false };
  const fe = e as FastifyError;
  if (fe?.validation) {
    const path = validationPath(fe);
    const v = fe.validation[0]!;
    const what = v.keyword === 'additionalProperties' ? 'is not a known field' : v.keyword === 'required' ? 'is required' : v.message ?? 'is not valid';
    return { status: 400, body: errorJson(new BerthError(`${path}: ${what}`, { code: 'usage', path })), unexpected: false };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: errorJson(new BerthError(fe.message, { code: fe.statusCode === 404 ? 'not_found' : 'usage' })), unexpected: false };
  }
  const io = fsError(e, { home });
  if (io) return { status: STATUS_OF[io.code], body: errorJson(io), unexpected: false };
  const message = (e as Error)?.message ?? String(e);
  return { status: 500, body: errorJson(new BerthError(`internal error: ${message}`, { code: 'failed' })), unexpected: true };
}
