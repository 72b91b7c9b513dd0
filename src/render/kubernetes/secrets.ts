/**
 * Where a pod reads each secret: the Secret berth generates from the env
 * file it writes beside the manifests (mode 0600, never committed: the
 * .gitignore names it), a Secret that exists in the cluster the user names,
 * or, for a secret berth never stores (secretsFromEnv), a Secret the user
 * makes before applying. Values never appear in a manifest.
 */
import type { ResolvedStack } from '../../model/stack.js';
import type { KubeOptions } from './options.js';
import type { SecretRef } from './text.js';
import { sourceText } from '../../model/secret-source.js';

export const SECRETS_ENV = 'secrets.env';

export const generatedSecretName = (stack: string) => `${stack.replace(/_/g, '-')}-secrets`;
export const fromEnvSecretName = (stack: string) => `${stack.replace(/_/g, '-')}-env`;

export interface SecretPlan {
  refOf(secret: string): SecretRef;
  /** The env file the generated Secret is made from; empty when every secret comes from elsewhere. */
  envFile: string;
  warnings: string[];
}

export function planSecrets(stack: ResolvedStack, opts: KubeOptions): SecretPlan {
  // A secret from a provider is read by berth at up and deploy, never stored: on Kubernetes, as one from the environment.
  const sourced = Object.keys(stack.secretSources ?? {});
  const fromEnv = new Set([...stack.secretsFromEnv, ...sourced]);
  const refOf = (name: string): SecretRef =>
    opts.existingSecrets[name] ?? { secret: fromEnv.has(name) ? fromEnvSecretName(stack.name) : generatedSecretName(stack.name), key: name };
  const stored = Object.keys(stack.secrets).filter((n) => !opts.existingSecrets[n]).sort();
  const envFile = stored.map((n) => `${n}=${stack.secrets[n]}\n`).join('');
  const missing = stack.secretsFromEnv.filter((n) => !opts.existingSecrets[n]).sort();
  const warnings = missing.length
    ? [
        `secretsFromEnv: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} never stored by berth; create Secret ${fromEnvSecretName(stack.name)} before applying (kubectl create secret generic ${fromEnvSecretName(stack.name)} -n ${opts.namespace} ${missing.map((n) => `--from-literal=${n}=...`).join(' ')}), or name an existing one with --existing-secret NAME=secret`,
      ]
    : [];
  const fromProviders = sourced.filter((n) => !opts.existingSecrets[n]).sort();
  if (fromProviders.length) {
    warnings.push(
      `secrets: ${fromProviders.join(', ')} ${fromProviders.length > 1 ? 'come' : 'comes'} from a provider (${fromProviders.map((n) => sourceText(stack.secretSources[n]!)).join(', ')}) and ${fromProviders.length > 1 ? 'are' : 'is'} never stored by berth; create Secret ${fromEnvSecretName(stack.name)} before applying (kubectl create secret generic ${fromEnvSecretName(stack.name)} -n ${opts.namespace} ${fromProviders.map((n) => `--from-literal=${n}=...`).join(' ')}), or name an existing one with --existing-secret NAME=secret`,
    );
  }
  return { refOf, envFile, warnings };
}
