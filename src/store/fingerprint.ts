/**
 * Fingerprints of secret values: enough to tell that a value changed, useless
 * to recover it (salted scrypt). Stored where a value must never be.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 };

export function fingerprint(value: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(value, salt, 32, PARAMS).toString('base64url')}`;
}

/** Whether `value` is the one `print` was made from; a print berth cannot read matches nothing. */
export function matchesFingerprint(value: string, print: string): boolean {
  const [kind, salt, hash] = print.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(value, Buffer.from(salt, 'base64url'), expected.length || 32, PARAMS);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
