/**
 * pass, the standard Unix password manager: the first line of `pass show
 * path` (the password; later lines are pass's own notes by convention).
 * gpg decrypts it with the user's key, through their gpg-agent.
 */
import { lastWords, ProviderFailure, runProvider, type ProviderContext } from './run.js';

export async function readPass(path: string, ctx: ProviderContext): Promise<string> {
  const r = await runProvider(ctx, ['pass', 'show', '--', path], 'install it (apt install pass) and set up its store (pass init), or take this secret from another source');
  if (r.code === 0) return r.stdout.split('\n')[0]!.replace(/\r$/, '');
  const said = lastWords(r);
  if (/is not in the password store/.test(said)) throw new ProviderFailure(`${path} is not in the password store; add it with pass insert ${path} (pass ls lists what is there)`);
  if (/password store is empty|pass init/i.test(said)) throw new ProviderFailure(`the password store is empty or not set up (${said}); run pass init with your gpg key id, or set PASSWORD_STORE_DIR`);
  if (/gpg|decrypt|secret key/i.test(said)) throw new ProviderFailure(`pass could not decrypt it (${said}); check that your gpg key is there (gpg -K) and that gpg-agent can unlock it`);
  throw new ProviderFailure(`pass show failed: ${said}`);
}
