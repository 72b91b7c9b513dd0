/** How a failed command ends: one line on stderr (details below it) and its exit code. */
import type { IO } from './io.js';
import { isBerthError } from '../errors.js';

export function reportError(io: IO, e: unknown): number {
  if (isBerthError(e)) {
    io.err(`berth: error: ${e.message}\n`);
    if (e.details) io.err(`${e.details}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.err(`berth: internal error: ${err.message}\n`);
  if (io.env.BERTH_DEBUG) io.err(`${err.stack}\n`);
  return 1;
}
