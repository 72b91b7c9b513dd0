/**
 * The values behind the stack's secrets, and what else its .env keeps: given,
 * kept from the earlier .env, or generated (secrets.ts); secrets read from the
 * environment at up instead; entries of the earlier .env nothing uses now.
 * Warns about generated values that must match something outside the stack.
 */
import { UsageError } from '../errors.js';
import type { ExternalService, ResolvedStack } from '../model/stack.js';
import { sourceText, type SecretSource } from '../model/secret-source.js';
import path from 'node:path';
import { checkEnvValues } from './env-values.js';
import { cryptoSecret, resolveSecrets, type RandomSecret } from './secrets.js';
import type { SecretNames } from './secret-names.js';
import type { SpecService } from './spec.js';
import { byText } from '../util/order.js';

export interface SecretValuesInput {
  stack: string;
  spec: SpecService[];
  names: SecretNames;
  /** stack.yaml's secretsFromEnv: (true: all of them). */
  fromEnv: true | string[] | undefined;
  /** stack.yaml's secrets: where the values of some come from (a provider), by .env name. */
  sources?: Record<string, SecretSource>;
  /** The folder of stack.yaml: a relative file: source is read from there. */
  specDir?: string;
  vars: Record<string, string>;
  /** spec service -> the named volumes its fragment declares. */
  volumesOf: ReadonlyMap<string, string[]>;
  externals: ExternalService[];
  given?: Record<string, string>;
  existingEnv?: Record<string, string>;
  existingEnvAt?: (name: string) => string;
  existingVolumes?: ReadonlySet<string> | 'unknown';
  rotate?: boolean;
  allowChange?: boolean;
  random?: RandomSecret;
}

export type SecretValues = Pick<ResolvedStack, 'secrets' | 'secretsFromEnv' | 'secretSources' | 'keptEnv' | 'generatedSecrets' | 'initOnlySecrets' | 'warnings'>;

const secretList = (names: SecretNames) => [...names.declared.keys()].sort().join(', ') || 'none';

/** secretsFromEnv as a set; `true` means every secret that has no provider. */
function secretsFromEnv(setting: SecretValuesInput['fromEnv'], names: SecretNames, sourced: Record<string, SecretSource>): Set<string> {
  const declared = names.declared;
  const fromEnv = new Set(setting === true ? [...declared.keys()].filter((n) => !Object.hasOwn(sourced, n)) : (setting ?? []));
  for (const n of fromEnv) {
    if (!declared.has(n)) throw new UsageError(`secretsFromEnv: ${n} is not a secret of this stack; its secrets: ${secretList(names)}`);
    if (Object.hasOwn(sourced, n)) throw new UsageError(`secrets.${n}: ${n} is also in secretsFromEnv; take it from one place (remove it from secretsFromEnv to read it from ${sourceText(sourced[n]!)})`, undefined, { path: `secrets.${n}` });
  }
  return fromEnv;
}

/** stack.yaml's secrets: each a secret of the stack; a relative file: read from stack.yaml's folder. */
function secretSources(input: SecretValuesInput): Record<string, SecretSource> {
  const out: Record<string, SecretSource> = {};
  for (const [name, src] of Object.entries(input.sources ?? {}).sort(([a], [b]) => byText(a, b))) {
    if (!input.names.declared.has(name)) {
      throw new UsageError(`secrets.${name}: ${name} is not a secret of this stack; its secrets: ${secretList(input.names)}`, undefined, { path: `secrets.${name}` });
    }
    out[name] = src.provider === 'file' && input.specDir ? { provider: 'file', path: path.resolve(input.specDir, src.path) } : src;
  }
  return out;
}

/** Where data made with a secret may be: the volume of its service on the engine, or unknown when the engine was not asked. */
function heldBy(input: SecretValuesInput) {
  return (envName: string) => {
    const service = input.names.declared.get(envName)!.service;
    const known = input.existingVolumes;
    if (known === 'unknown') return { service };
    const volume = (input.volumesOf.get(service) ?? []).find((v) => known?.has(v));
    return volume ? { service, volume: `${input.stack}_${volume}` } : undefined;
  };
}

/** Entries of the earlier .env that are no secret, var or Compose setting now: kept, so a re-added database still opens its volume. */
function keptEntries(existing: Record<string, string>, input: SecretValuesInput): Record<string, string> {
  const kept: Record<string, string> = Object.create(null);
  for (const [k, val] of Object.entries(existing)) {
    if (!input.names.declared.has(k) && !Object.hasOwn(input.vars, k) && !k.startsWith('COMPOSE_')) kept[k] = val;
  }
  return kept;
}

function generatedWarnings(input: SecretValuesInput, generated: string[]): string[] {
  const warnings: string[] = [];
  const optionsOf = new Map(input.spec.map((s) => [s.name, s.options]));
  for (const [envName, { decl, service }] of input.names.declared) {
    const party = decl.sharedWith?.(optionsOf.get(service) ?? {});
    if (party && generated.includes(envName)) warnings.push(`${envName} was generated, but it must match ${party}; pass its value with --secret ${envName}=... (or --auth-token)`);
  }
  for (const ext of input.externals) {
    for (const envName of Object.values(input.names.byService[ext.name] ?? {})) {
      if (generated.includes(envName)) warnings.push(`${envName} was generated for the external ${ext.component} at ${ext.host}; set its real value with --secret ${envName}=...`);
    }
  }
  return warnings;
}

export function settleSecretValues(input: SecretValuesInput): SecretValues {
  const { declared } = input.names;
  const existing = input.existingEnv ?? {};
  const given = input.given ?? {};
  const sources = secretSources(input);
  const fromEnv = secretsFromEnv(input.fromEnv, input.names, sources);
  const unstored = new Map<string, string>([...[...fromEnv].map((n) => [n, 'the environment (secretsFromEnv)'] as const), ...Object.entries(sources).map(([n, s]) => [n, sourceText(s)] as const)]);
  const secrets = resolveSecrets({ declared, given, existing, rotate: input.rotate ?? false, random: input.random ?? cryptoSecret, heldBy: heldBy(input), unstored, allowChange: input.allowChange });
  const keptEnv = keptEntries(existing, input);
  const keptSecrets = Object.entries(secrets.values).filter(([n, val]) => !Object.hasOwn(given, n) && existing[n] === val);
  checkEnvValues({ vars: input.vars, fromEnvFile: { ...Object.fromEntries(keptSecrets), ...keptEnv }, envFileAt: input.existingEnvAt ?? (() => '.env') });
  // A secret that moves to the environment leaves .env; say so, since its old value is gone from disk.
  const moved = [...unstored].filter(([n]) => existing[n]).map(([n, from]) => `${n} is now read from ${fromEnv.has(n) ? 'the environment' : from} and no longer stored in .env${fromEnv.has(n) ? '; export it before berth up' : ''}`);
  return {
    secrets: secrets.values,
    secretsFromEnv: [...fromEnv].sort(),
    secretSources: sources,
    keptEnv,
    generatedSecrets: secrets.generated,
    initOnlySecrets: [...declared]
      .filter(([, d]) => d.decl.initOnly && (input.volumesOf.get(d.service) ?? []).length)
      .map(([n, d]) => ({ name: n, service: d.service, volumes: input.volumesOf.get(d.service)! }))
      .sort((a, b) => byText(a.name, b.name)),
    warnings: [...secrets.warnings, ...moved, ...generatedWarnings(input, secrets.generated)],
  };
}
