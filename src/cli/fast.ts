/**
 * `berth status [name] [--json]`, as monitors run it every few seconds: started
 * without the CLI parser, which costs more than the status itself. Anything
 * else (help, other options) goes through the full CLI.
 */
import type { IO } from './io.js';
import { makeContext } from './context.js';
import { reportError } from './report.js';
import { STACK_NAME_RE } from '../util/names.js';

/** The argv of a plain status call, or undefined. */
export function plainStatus(argv: string[]): { name?: string; json: boolean } | undefined {
  if (argv[0] !== 'status') return undefined;
  const rest = argv.slice(1);
  const names = rest.filter((a) => a !== '--json');
  if (names.length > 1 || !names.every((n) => STACK_NAME_RE.test(n))) return undefined;
  return { name: names[0], json: rest.includes('--json') };
}

export async function runStatus(call: { name?: string; json: boolean }, io: IO): Promise<number> {
  try {
    const { run } = await import('./commands/status.js');
    return await run(makeContext(io), [call.name], { json: call.json });
  } catch (e) {
    return reportError(io, e);
  }
}
