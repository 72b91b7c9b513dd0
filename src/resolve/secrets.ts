/**
 * Secret values: given on the command line, else kept from the stack's earlier
 * .env, else generated with a cryptographic RNG. `--rotate-secrets` regenerates
 * every password and token not given explicitly; ids stay, and so do secrets a
 * service reads only when its data is created, while that data exists. Values never leave this module except into .env.
 */
import { randomBytes } from 'node:crypto';
import { BerthError, UsageError } from '../errors.js';
import type { SecretDecl } from '../catalog/types.js';
import { byText } from '../util/order.js';

export type RandomSecret = (kind: SecretDecl['kind']) => string;

/** 256 bits for passwords and tokens; KRaft cluster ids are 16 bytes (22 base64url chars). URL-safe, no quoting needed anywhere. */
export const cryptoSecret: RandomSecret = (kind) => randomBytes(kind === 'id' ? 16 : 32).toString('base64url');

/** Characters a given secret may use: they survive .env parsing by Compose v1 and v2 and URLs unescaped. */
export const SECRET_VALUE_RE = /^[A-Za-z0-9._~+=-]+$/;

export interface SecretInput {
  /** .env name -> declaration (the first service that declared it). */
  declared: Map<string, { decl: SecretDecl; service: string }>;
  given: Record<string, string>;
  existing: Record<string, string>;
  rotate: boolean;
  random: RandomSecret;
  /**
   * For a secret the service reads only when its data is first created: the
   * data that may already hold the old value (`volume` when the engine says it
   * exists, none when it could not be asked), or undefined when there is none.
   */
  heldBy?(name: string): { service: string; volume?: string } | undefined;
  /** Secrets read at up from the environment or a provider, neither generated nor stored: name -> where from. */
  unstored?: ReadonlyMap<string, string>;
  /** --allow-secret-change: a new value for a secret that existing data was made with is the user's choice. */
  allowChange?: boolean;
}

/**
 * A secret that existing data was made with would get a new value (its .env
 * entry is gone, or it is being rotated): refused, since the service would
 * come up healthy while every client fails to log in, unless the user says so.
 */
function mustAllowNew(name: string, held: { service: string; volume: string }, rotating: boolean, input: SecretInput, warnings: string[]): void {
  const why = `${held.service} reads ${name} only when its data is first created, and volume ${held.volume} holds data made with ${rotating ? 'the current' : 'an earlier'} one`;
  if (input.allowChange) {
    warnings.push(`${name} is new, but ${why}; change it inside ${held.service} too, or its clients cannot log in`);
    return;
  }
  throw new BerthError(
    `${name} would get a new value, but ${why}; pass the old value with --secret ${name}=..., or delete that data with berth clean, or pass --allow-secret-change and change it inside ${held.service} yourself`,
    { code: 'conflict', path: `secrets.${name}` },
  );
}

export function resolveSecrets(input: SecretInput): { values: Record<string, string>; generated: string[]; warnings: string[] } {
  const values: Record<string, string> = {};
  const generated: string[] = [];
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(input.given)) {
    const from = input.unstored?.get(name);
    if (from) throw new UsageError(`secret ${name}: stack.yaml reads it from ${from}, so it is not stored; ${from.endsWith('(secretsFromEnv)') ? 'export it before berth up' : 'set it there'} instead`);
    if (!input.declared.has(name)) {
      const known = [...input.declared.keys()].sort();
      throw new UsageError(`secret ${name}: no service in this stack uses it; ${known.length ? `this stack's secrets are ${known.join(', ')}` : 'this stack has no secrets'}`);
    }
    if (value === '') throw new UsageError(`secret ${name}: the value given is empty; give one, or leave it out and berth generates it`);
    if (!SECRET_VALUE_RE.test(value)) {
      throw new UsageError(`secret ${name}: contains characters that break .env or URLs; use letters, digits and . _ ~ + = - only`);
    }
    if (value.length < 12) warnings.push(`secret ${name} is short (${value.length} characters); a generated one has 43`);
  }
  for (const [name, { decl }] of [...input.declared].sort(([a], [b]) => byText(a, b))) {
    if (input.unstored?.has(name)) continue;
    const given = input.given[name];
    const existing = input.existing[name] || undefined;
    const held = decl.initOnly ? input.heldBy?.(name) : undefined;
    const where = held && (held.volume ? `volume ${held.volume} holds data made with the old one` : 'berth could not ask the Docker engine whether its data exists');
    if (given !== undefined) {
      values[name] = given;
      if (held && existing && given !== existing) warnings.push(`${name} changed, but ${held.service} reads it only when its data is first created and ${where}; change it inside ${held.service} too, or its clients cannot log in`);
    }
    // Ids (the KRaft cluster id) are no secrets: data volumes are bound to them, so rotation keeps them.
    else if (existing !== undefined && (!input.rotate || decl.kind === 'id' || (held && !input.allowChange))) {
      values[name] = existing;
      if (input.rotate && held && decl.kind !== 'id') warnings.push(`kept ${name}: ${held.service} reads it only when its data is first created and ${where}; change it inside ${held.service}, then pass the new one with --secret ${name}=... (or --allow-secret-change)`);
    } else {
      if (held?.volume) mustAllowNew(name, held as { service: string; volume: string }, existing !== undefined, input, warnings);
      values[name] = input.random(decl.kind);
      generated.push(name);
    }
  }
  return { values, generated, warnings };
}
