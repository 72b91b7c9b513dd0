/**
 * 1Password CLI: `op read --no-newline op://vault/item/field` prints the
 * field's value. op signs in by its own means (the desktop app, `op signin`,
 * or OP_SERVICE_ACCOUNT_TOKEN), read from berth's environment.
 */
import { lastWords, ProviderFailure, runProvider, type ProviderContext } from './run.js';

const NOT_SIGNED_IN = /not (currently )?signed in|sign ?in|session (has )?expired|no accounts? (is )?configured|authorization/i;

export async function readOp(ref: string, ctx: ProviderContext): Promise<string> {
  const r = await runProvider(ctx, ['op', 'read', '--no-newline', ref], 'install the 1Password CLI (developer.1password.com/docs/cli), or take this secret from another source');
  if (r.code === 0) return r.stdout;
  // op's errors read `[ERROR] 2026/01/02 03:04:05 message`.
  const said = lastWords(r).replace(/^\[ERROR\]\s+\S+\s+\S+\s+/, '');
  if (NOT_SIGNED_IN.test(said)) throw new ProviderFailure(`op: not signed in (${said}); sign in with eval $(op signin), or set OP_SERVICE_ACCOUNT_TOKEN for a service account`);
  throw new ProviderFailure(`op read failed: ${said}`);
}
