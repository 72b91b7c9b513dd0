/**
 * What every provider shares: the context it reads in (this machine's runner
 * and environment), and how a provider says what went wrong: a message
 * without the value, which index.ts prefixes with the secret and its source.
 */
import { BerthError } from '../../errors.js';
import type { RunResult, Runner } from '../runner.js';

export interface ProviderContext {
  /** Runs the provider's program on the machine running berth (never on a node). */
  runner: Runner;
  /** berth's own environment (env:NAME). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A provider's failure, in the provider's words and with the fix; never holds the value. */
export class ProviderFailure extends Error {}

/** Runs a provider's program; one that is not installed is said as such, with how to get it. */
export async function runProvider(ctx: ProviderContext, argv: string[], install: string): Promise<RunResult> {
  try {
    return await ctx.runner.run({ argv });
  } catch (e) {
    if (e instanceof BerthError && /is not installed/.test(e.message)) throw new ProviderFailure(`${argv[0]} is not installed (or not on PATH); ${install}`);
    throw e;
  }
}

/** The last line a failing program wrote on stderr (its error), cut to a readable length. */
export function lastWords(r: RunResult): string {
  const line = r.stderr.trim().split('\n').filter(Boolean).at(-1)?.trim() ?? `exit code ${r.code}`;
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
