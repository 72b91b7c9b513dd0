/**
 * Secrets a database reads only when its data is first created (PostgreSQL's
 * password, Grafana's admin password): a different value later does not
 * reach the data, so the service comes up healthy while every client fails to
 * log in. Before starting, berth compares each one with the fingerprint taken
 * when the data was made, and refuses a change unless told; the fingerprint
 * is taken once the data exists.
 */
import { BerthError } from '../errors.js';
import type { InitOnlySecret } from '../model/manifest.js';
import { stackVolumeNames } from '../engine/volumes.js';
import { fingerprint, matchesFingerprint } from '../store/fingerprint.js';
import type { Session } from './session.js';

/** The value a secret has for this start: read for it (a provider's), from the environment (secretsFromEnv) or from .env. */
function valueOf(s: Session, name: string, dotEnv: Record<string, string>): string | undefined {
  if (s.secretEnv && Object.hasOwn(s.secretEnv, name)) return s.secretEnv[name];
  return (s.manifest.secretsFromEnv ?? []).includes(name) ? s.deps.env[name] : dotEnv[name];
}

/** Full names of the secret's volumes that exist on the engine. */
function existing(s: Session, secret: InitOnlySecret, onEngine: string[]): string[] {
  return secret.volumes.map((v) => `${s.ref.name}_${v}`).filter((v) => onEngine.includes(v));
}

/** .env must hold every secret the stack stores: Compose would start services with blank ones. */
export function mustHaveStoredSecrets(s: Session): void {
  const dotEnv = s.deps.store.stacks.env(s.ref.name);
  const unstored = new Set([...(s.manifest.secretsFromEnv ?? []), ...Object.keys(s.manifest.secretSources ?? {})]);
  const missing = s.manifest.secrets.filter((n) => !unstored.has(n) && !dotEnv[n]);
  if (missing.length) {
    throw new BerthError(
      `the .env of stack ${s.ref.name} has no ${missing.join(', ')}; restore it from a backup, or regenerate with berth generate ${s.ref.name} (a database password its data was made with must then be given with --secret)`,
      { code: 'conflict', path: `${s.ref.dir}/.env` },
    );
  }
}

/**
 * Refuses to start with a changed init-only secret while its data exists,
 * unless `allowChange`. Returns the secrets to fingerprint once started: those
 * whose data is made by this start, that have no fingerprint yet, or that the
 * user allowed to change.
 */
export async function guardInitSecrets(s: Session, allowChange: boolean): Promise<string[]> {
  if (!s.manifest.initOnlySecrets.length) return [];
  const prints = s.deps.store.runtime.read(s.ref.name).initSecrets;
  const dotEnv = s.deps.store.stacks.env(s.ref.name);
  const onEngine = await stackVolumeNames(s.engine(), s.ref.name);
  const toRecord: string[] = [];
  for (const secret of s.manifest.initOnlySecrets) {
    const value = valueOf(s, secret.name, dotEnv);
    const print = prints[secret.name];
    const data = existing(s, secret, onEngine);
    if (value === undefined) continue;
    if (!print || !data.length) {
      toRecord.push(secret.name);
      continue;
    }
    if (matchesFingerprint(value, print)) continue;
    if (!allowChange) {
      throw new BerthError(
        `${secret.name} is not the one volume ${data[0]} was created with: ${secret.service} reads it only then, so its clients would fail to log in; put the old value back, or change it inside ${secret.service} and pass --allow-secret-change, or delete the data with berth clean ${s.ref.name}`,
        { code: 'conflict', path: `secrets.${secret.name}` },
      );
    }
    toRecord.push(secret.name);
  }
  return toRecord;
}

/** After a start: fingerprints of the values the stack's data now holds, for the secrets the guard named. */
export async function recordInitSecrets(s: Session, names: string[]): Promise<void> {
  if (!names.length) return;
  const dotEnv = s.deps.store.stacks.env(s.ref.name);
  const onEngine = await stackVolumeNames(s.engine(), s.ref.name).catch(() => []);
  const next: Record<string, string> = {};
  for (const secret of s.manifest.initOnlySecrets.filter((x) => names.includes(x.name))) {
    const value = valueOf(s, secret.name, dotEnv);
    if (value !== undefined && existing(s, secret, onEngine).length) next[secret.name] = fingerprint(value);
  }
  if (Object.keys(next).length) s.deps.store.runtime.update(s.ref.name, (r) => ({ ...r, initSecrets: { ...r.initSecrets, ...next } }));
}
