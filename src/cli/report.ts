/**
 * How a failed command ends: one line on stderr (details below it) and its exit
 * code; with --json, one JSON object `{"error": {...}}` on stdout instead, on one
 * line, so a reader of JSON lines (logs --json) gets it as one more record.
 */
import type { IO } from './io.js';
import { BerthError, errorJson, isBerthError } from '../errors.js';
import { fsError } from '../util/fs-errors.js';
import { berthHome } from '../store/home.js';

export function reportError(io: IO, e: unknown, opts: { json?: boolean } = {}): number {
  const known = isBerthError(e) ? e : fsError(e, { home: berthHome(io.env) });
  // Anything else is a bug of berth's: its message, and its stack only when asked for.
  const err = known ?? new BerthError((e as Error)?.message ?? String(e), { code: 'failed' });
  if (opts.json) io.out(JSON.stringify(errorJson(err)) + '\n');
  else {
    io.err(`berth: ${known ? 'error' : 'internal error'}: ${err.message}\n`);
    // Every further problem of the same input, one line each, so one run shows them all.
    for (const i of (err.issues ?? []).slice(1)) io.err(`  ${i.path ? `${i.path}: ` : ''}${i.message}${i.fix ? `; ${i.fix}` : ''}\n`);
    if (err.details) io.err(`${err.details}\n`);
  }
  if (!known && io.env.BERTH_DEBUG) io.err(`${(e as Error)?.stack ?? e}\n`);
  return err.exitCode;
}

/** --json before any `--` (what follows `--` is the command exec runs). */
export function jsonRequested(argv: string[]): boolean {
  const dashes = argv.indexOf('--');
  return (dashes < 0 ? argv : argv.slice(0, dashes)).includes('--json');
}
