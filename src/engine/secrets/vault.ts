/**
 * HashiCorp Vault CLI: `vault kv get -field=field path` prints the field of a
 * KV secret (version 1 or 2) as it is. The server and token come from
 * berth's environment (VAULT_ADDR, VAULT_TOKEN) or vault's token helper.
 */
import { lastWords, ProviderFailure, runProvider, type ProviderContext } from './run.js';

export async function readVault(path: string, field: string, ctx: ProviderContext): Promise<string> {
  const r = await runProvider(ctx, ['vault', 'kv', 'get', `-field=${field}`, path], 'install the Vault CLI (developer.hashicorp.com/vault/install), or take this secret from another source');
  if (r.code === 0) return r.stdout;
  const all = r.stderr;
  const said = lastWords(r);
  if (/permission denied|missing client token|invalid token|Code: 403/i.test(all)) throw new ProviderFailure(`vault: not logged in, or the token may not read ${path} (${said}); log in with vault login, or set VAULT_TOKEN`);
  if (/connection refused|no such host|dial tcp|i\/o timeout|server gave HTTP response to HTTPS/i.test(all)) throw new ProviderFailure(`vault: cannot reach the server (${said}); set VAULT_ADDR to your Vault's address`);
  if (/No value found at/i.test(all)) throw new ProviderFailure(`vault has nothing at ${path}; check the path (vault kv list on its folder)`);
  if (/not present in secret/i.test(all)) throw new ProviderFailure(`${path} has no field ${field}; vault kv get ${path} lists its fields`);
  throw new ProviderFailure(`vault kv get failed: ${said}`);
}
