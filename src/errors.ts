/**
 * Typed errors. Every failure a user can cause ends as one line naming what is
 * wrong and how to fix it; `exitCode` 2 marks usage errors (bad input), 1 runtime
 * failures. `details` is optional extra text (a table, log lines) printed after.
 */
export class BerthError extends Error {
  readonly exitCode: number;
  readonly details?: string;
  constructor(message: string, opts: { exitCode?: number; details?: string } = {}) {
    super(message);
    this.name = 'BerthError';
    this.exitCode = opts.exitCode ?? 1;
    this.details = opts.details;
  }
}

/** Bad input: flags, stack.yaml, names. Exit code 2. */
export class UsageError extends BerthError {
  constructor(message: string, details?: string) {
    super(message, { exitCode: 2, details });
    this.name = 'UsageError';
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}
