/** Compose profile semantics: a service runs when it has no profiles or one of them is active. */
import { UsageError } from '../errors.js';

export function runsUnder(serviceProfiles: readonly string[], active: readonly string[]): boolean {
  return serviceProfiles.length === 0 || serviceProfiles.some((p) => active.includes(p));
}

/**
 * Whether `provider` runs whenever `consumer` does, under every combination of
 * active profiles: it always runs, or every profile of the consumer is one of its own.
 */
export function coversProfiles(provider: readonly string[], consumer: readonly string[]): boolean {
  if (provider.length === 0) return true;
  return consumer.length > 0 && consumer.every((p) => provider.includes(p));
}

export function describeProfiles(profiles: readonly string[]): string {
  return profiles.length === 1 ? `profile ${profiles[0]}` : `profiles ${profiles.join(', ')}`;
}

/**
 * The active profiles (`requested`: --profile, else stack.yaml's `profiles:`)
 * and every profile some service belongs to. An active profile no service has
 * is a typo; none of the services running under the active ones is worth a warning.
 */
export function settleProfiles(services: { profiles: string[] }[], requested: string[]): { active: string[]; known: string[]; warnings: string[] } {
  const known = [...new Set(services.flatMap((s) => s.profiles))].sort();
  const active = [...new Set(requested)];
  for (const p of active) {
    if (!known.includes(p)) {
      throw new UsageError(`profiles: ${p} is not a profile of any service; ${known.length ? `known profiles: ${known.join(', ')}` : 'no service has profiles'}`);
    }
  }
  const warnings = services.some((s) => runsUnder(s.profiles, active)) ? [] : [`no service runs under the active profiles (${active.join(', ') || 'none'}); pass --profile to pick some`];
  return { active, known, warnings };
}
