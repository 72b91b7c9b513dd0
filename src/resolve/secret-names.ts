/**
 * Secret names: every secret a service declares gets its .env name, a fixed
 * stack-wide one (BERTH_AUTH_TOKEN) or `<SERVICE>_<SUFFIX>`. Two services
 * whose names would collide are refused before anything is built.
 */
import { UsageError } from '../errors.js';
import type { SecretDecl } from '../catalog/types.js';
import { secretText, type Text } from '../model/text.js';
import { envPrefix } from '../util/names.js';
import type { SpecService } from './spec.js';

export interface SecretNames {
  /** .env name -> its declaration, from the first service that declared it. */
  declared: Map<string, { decl: SecretDecl; service: string }>;
  /** service -> secret key -> .env name. */
  byService: Record<string, Record<string, string>>;
}

export function nameSecrets(spec: SpecService[]): SecretNames {
  const byService: Record<string, Record<string, string>> = {};
  const declared = new Map<string, { decl: SecretDecl; service: string }>();
  for (const s of spec) {
    for (const decl of [...(s.def.secrets ?? []), ...(s.def.secretsFor?.(s.options) ?? [])]) {
      if (decl.when && !decl.when(s.options)) continue;
      const envName = decl.env ?? `${envPrefix(s.name)}_${decl.suffix}`;
      if (envName.startsWith('COMPOSE_')) throw new UsageError(`services.${s.name}.secrets: ${envName} is Compose's own setting in .env, not a secret; name it differently`);
      const clash = declared.get(envName);
      if (clash && !decl.env) throw new UsageError(`services.${s.name}: its secret ${envName} clashes with ${clash.service}'s; rename one of the services`);
      declared.set(envName, clash ?? { decl, service: s.name });
      (byService[s.name] ??= {})[decl.key] = envName;
    }
  }
  return { declared, byService };
}

/** What a component writes where it needs one of its secrets: a reference, never the value. */
export function secretRef(names: SecretNames, service: string, key: string): Text {
  const n = names.byService[service]?.[key];
  if (!n) throw new Error(`internal: ${service} has no secret ${key}`);
  return secretText(n);
}
