/**
 * Secrets written into URLs (DATABASE_URL's password, a token in a query):
 * berth's own are drawn from characters a URL takes as they are, but a value
 * from a secret manager, the environment or the command line may hold one
 * that ends the part it sits in (`@` ends a password, `#` the whole URL),
 * and the service would connect to the wrong place or not at all. Such a
 * value is refused with the variable it would break, before anything starts.
 */
import { BerthError } from '../errors.js';
import { isRef, partsOf, type Text } from './text.js';

/** What ends or changes a URL's userinfo, path or query when written as it is. */
const BREAKS = /[@/?#%[\]\s"<>\\^`{|}]/;

/** secret .env name -> the `service.VARIABLE`s whose URL it is written into. */
export type UrlSecrets = Record<string, string[]>;

const URL_START = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Where each secret is written into a URL (a value that starts with `scheme://`), by service and variable. */
export function secretsInUrls(services: readonly { name: string; environment: Record<string, Text> }[]): UrlSecrets {
  const out: UrlSecrets = {};
  for (const s of services) {
    for (const [key, value] of Object.entries(s.environment)) {
      const parts = partsOf(value);
      if (typeof parts[0] !== 'string' || !URL_START.test(parts[0])) continue;
      for (const p of parts) if (isRef(p) && p.secret) (out[p.secret] ??= []).push(`${s.name}.${key}`);
    }
  }
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}

/** The first character of `value` that breaks a URL, described for a message (never the value itself). */
export function urlBreaker(value: string): string | undefined {
  const c = BREAKS.exec(value)?.[0];
  if (c === undefined) return undefined;
  return /\s/.test(c) ? 'a space or line break' : JSON.stringify(c);
}

/**
 * Refuses a value that would break a URL it is written into; `from` says
 * where the value came from (a provider, the environment, --secret).
 */
export function checkUrlSafe(values: Readonly<Record<string, string | undefined>>, inUrls: UrlSecrets | undefined, from: (name: string) => string): void {
  for (const [name, uses] of Object.entries(inUrls ?? {})) {
    const v = values[name];
    const bad = v === undefined ? undefined : urlBreaker(v);
    if (!bad) continue;
    throw new BerthError(
      `${name}: the value from ${from(name)} holds ${bad}, which breaks the URL in ${uses.join(', ')}; use a value of letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : (berth's generated secrets are), and change it where the service reads it too`,
      { code: 'usage', path: name },
    );
  }
}
