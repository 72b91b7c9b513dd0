/**
 * Typed errors. Every failure a user can cause ends as one line naming what is
 * wrong and how to fix it. A `code` says what kind of failure it is: the CLI
 * maps it to an exit code (2 for bad input, 1 otherwise), a server to an HTTP
 * status. `path` is the key path or file the error is about (a form maps it to
 * a field); `issues` lists every problem when there are several; `details` is
 * extra text (a table, log lines) shown after the line.
 */
export type ErrorCode =
  /** Bad input: flags, stack.yaml, names. */
  | 'usage'
  /** No such stack, service or component. */
  | 'not_found'
  /** The request clashes with what exists: a port, a network, a secret that data was made with. */
  | 'conflict'
  /** Another berth command holds the stack. */
  | 'locked'
  /** A stored file berth wrote cannot be read. */
  | 'damaged'
  /** The Docker engine does not answer. */
  | 'engine_unreachable'
  /** Compose or the engine refused or failed. */
  | 'engine_failed'
  /** A service did not become ready (failed, unhealthy, timed out). */
  | 'not_ready'
  /** A file or folder could not be read or written. */
  | 'io'
  /** No or wrong credentials (a server's bearer token). */
  | 'unauthorized'
  /** A change asked of a read-only server (berth serve reporting). */
  | 'read_only'
  /** Credentials are right but the request may not do this (a dashboard change without its CSRF token). */
  | 'forbidden'
  /** Too many attempts in a short time (dashboard logins); try again later. */
  | 'rate_limited'
  /** A job stopped because someone cancelled it. */
  | 'cancelled'
  /** Any other runtime failure. */
  | 'failed';

export interface Issue {
  /** Key path (services.api.port) or file the issue is about. */
  path?: string;
  message: string;
  fix?: string;
}

export interface ErrorOptions {
  code?: ErrorCode;
  /** Overrides the exit code the code maps to. */
  exitCode?: number;
  details?: string;
  path?: string;
  issues?: Issue[];
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['usage', 'not_found', 'read_only']);

/** Exit code of an error code: 2 for what the user typed wrong, 1 for what went wrong. */
export function exitCodeOf(code: ErrorCode): number {
  return USAGE_CODES.has(code) ? 2 : 1;
}

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly details?: string;
  readonly path?: string;
  readonly issues?: Issue[];
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message);
    this.name = 'BerthError';
    this.code = opts.code ?? (opts.exitCode === 2 ? 'usage' : 'failed');
    this.exitCode = opts.exitCode ?? exitCodeOf(this.code);
    this.details = opts.details;
    this.path = opts.path;
    this.issues = opts.issues;
  }
}

/** Bad input: flags, stack.yaml, names. Exit code 2. */
export class UsageError extends BerthError {
  constructor(message: string, details?: string, opts: Omit<ErrorOptions, 'code' | 'details'> = {}) {
    super(message, { ...opts, code: 'usage', details, path: opts.path ?? leadingPath(message) });
    this.name = 'UsageError';
  }
}

/** `services.api.port: ...` or `--tail: ...`: the key path or flag a message starts with. */
function leadingPath(message: string): string | undefined {
  return /^(-{0,2}[A-Za-z0-9_][A-Za-z0-9_.:\-]*?): /.exec(message)?.[1];
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** The JSON form of an error, as `--json` prints it and an API returns it. */
export function errorJson(e: BerthError): { error: { code: ErrorCode; message: string; path?: string; issues?: Issue[]; details?: string } } {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.path !== undefined ? { path: e.path } : {}),
      ...(e.issues?.length ? { issues: e.issues } : {}),
      ...(e.details ? { details: e.details } : {}),
    },
  };
}
