import type { IO } from './io.js';
import { UsageError } from '../errors.js';

/** Volume deletion needs a yes: --yes, or the stack's name typed on a terminal. */
export async function confirmDeletion(io: IO, stack: string, what: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!io.stdinTTY || !io.ask) throw new UsageError(`refusing to delete ${what} without confirmation; pass --yes`);
  const answer = await io.ask(`This deletes ${what}. Data in the volumes is lost for good.\nType the stack name (${stack}) to confirm: `);
  if (answer.trim() !== stack) {
    io.err('berth: nothing deleted\n');
    return false;
  }
  return true;
}
