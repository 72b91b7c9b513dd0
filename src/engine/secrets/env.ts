/** env:NAME: a variable of berth's own environment, under a name of the user's (secretsFromEnv reads the secret's own name). */
import { ProviderFailure, type ProviderContext } from './run.js';

export async function readEnv(name: string, ctx: ProviderContext): Promise<string> {
  const value = ctx.env[name];
  if (value === undefined || value === '') throw new ProviderFailure(`${name} is not set in berth's environment; export it before running berth`);
  return value;
}
