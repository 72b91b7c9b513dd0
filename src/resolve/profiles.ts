/** Compose profile semantics: a service runs when it has no profiles or one of them is active. */

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
