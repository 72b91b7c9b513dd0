/**
 * Reusable option schemas. Each option is a schema plus the text `berth catalog`
 * prints for it, so validation and documentation come from one source.
 */
import * as v from 'valibot';
import { dict } from './dict.js';
import { isIPv4, isIPv6 } from 'node:net';
import { MAX_SIZE, MAX_SIZE_TEXT, parseSize } from '../util/size.js';
import { SERVICE_NAME_RE } from '../util/names.js';
import { readText, textSchema } from './text.js';

export interface OptionDef {
  schema: v.GenericSchema;
  type: string;
  doc: string;
  default?: string;
}

export type OptionDefs = Record<string, OptionDef>;

export const opt = (schema: v.GenericSchema, type: string, doc: string, dflt?: string): OptionDef => ({ schema, type, doc, default: dflt });

export const port = v.pipe(
  v.number('must be a port number (1-65535)'),
  v.integer('is not a port (1-65535)'),
  v.minValue(1, 'is not a port (1-65535)'),
  v.maxValue(65535, 'is not a port (1-65535)'),
);

export const size = v.pipe(
  v.union([v.string(), v.number()], 'must be a size like 512m or 1.5g'),
  v.check((s) => parseSize(s) !== null, 'is not a size; use a number with a unit, like 512m or 1.5g'),
  // Docker refuses a mem_limit under 6 MiB; a fraction of a byte (0.5) would otherwise pass as 0.
  v.check((s) => (parseSize(s) ?? 0) >= 6 * 1024 * 1024, 'is below 6m, the least memory Docker accepts; use a size like 64m'),
  v.check((s) => (parseSize(s) ?? 0) <= MAX_SIZE, `is more than ${MAX_SIZE_TEXT}, the largest size berth accepts; use a size like 512m or 64g`),
);

export const duration = v.pipe(
  v.string('must be a duration like 15s, 5m or 30d'),
  v.regex(/^\d+(ms|s|m|h|d|w|y)$/, 'is not a duration; use a number with a unit, like 15s, 5m or 30d'),
);

/** Milliseconds per unit of a health-check duration. */
const MS_PER: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Health probe timing (interval, timeout, startPeriod): Compose reads Go
 * durations, which have no d, w or y, so only ms, s, m and h.
 */
export const healthDuration = v.pipe(
  v.string('must be a duration like 500ms, 5s or 1m'),
  v.regex(/^\d+(ms|s|m|h)$/, 'is not a health-check duration; use a whole number with ms, s, m or h, like 500ms, 5s or 1m'),
  v.transform((text) => Number(/^\d+/.exec(text)![0]) * MS_PER[/[a-z]+$/.exec(text)![0]]!),
);


export const name = v.pipe(
  v.string('must be a service name'),
  v.regex(SERVICE_NAME_RE, 'is not a valid name; use lowercase letters, digits, - and _ (starting with a letter or digit)'),
);

export const profileName = v.pipe(
  v.string('must be a profile name'),
  v.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'is not a valid profile name; use letters, digits, ., - and _'),
);

export const names = v.array(name, 'must be a list of service names');
export const profiles = v.array(profileName, 'must be a list of profile names');

export const scalar = v.union([v.string(), v.number(), v.boolean()], 'must be a string, number or boolean');
const envName = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'is not a valid environment variable name'));
/** `vars:`: values as given, for .env. */
export const envMap = dict(envName, scalar, 'must be a map of NAME: value');
/** A service's `env:`: values read as Text (they may refer to vars and secrets). */
export const envTextMap = dict(envName, v.pipe(scalar, readText<string | number | boolean>()), 'must be a map of NAME: value');

/** A command as argv, each argument Text; a string is a script run by /bin/sh -c. */
export const argv = v.union(
  [
    v.pipe(v.array(textSchema), v.minLength(1, 'must not be empty')),
    v.pipe(v.string(), v.minLength(1, 'must not be empty'), readText((t) => ['/bin/sh', '-c', t])),
  ],
  'must be a command: a list of arguments, or a string run by /bin/sh -c',
);

export const cpus = v.pipe(v.number('must be a number of CPUs like 0.5 or 2'), v.minValue(0.01, 'must be more than 0'), v.maxValue(1024, 'is too many CPUs'));
export const count = v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(0, 'must not be negative'), v.maxValue(1000, 'must be at most 1000'));
export const positive = v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(1000, 'must be at most 1000'));
/** A host address to bind: IPv4, or IPv6 without brackets (the Compose renderer adds them next to the port). */
export const ipAddress = v.pipe(
  v.string('must be an IP address like 127.0.0.1, 0.0.0.0 or ::1'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    if (isIPv4(s) || (isIPv6(s) && !s.includes('%'))) return;
    if (s.startsWith('[') && s.endsWith(']') && isIPv6(s.slice(1, -1))) addIssue({ message: 'is an IPv6 address in brackets; write it without them, like ::1' });
    else if (s.includes(':')) addIssue({ message: 'is not an IPv6 address; write one without brackets or zone, like ::1 or ::' });
    else addIssue({ message: 'is not an IP address like 127.0.0.1 or 0.0.0.0' });
  }),
);
export { imageRef } from './image-ref.js';
/**
 * Why a text is not an http(s) URL berth can hand a service in its env, or
 * undefined. Checked on the text as given: the URL parser drops tabs and line
 * breaks, so `http://x<newline>EVIL=1` would parse, and reach the env as written.
 */
export function httpUrlProblem(text: string): string | undefined {
  const like = 'is not a URL like https://server:8080';
  if (/[\s\x00-\x1f\x7f]/.test(text)) return `${like}: it has a space, line break or other control character`;
  if (text.includes('$')) return `${like}: it has a $, which Compose would read as a variable`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return like;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${like}: only http and https are served`;
  return url.hostname ? undefined : `${like}: it has no host`;
}

export const httpUrl = v.pipe(
  v.string('must be a URL like https://server:8080'),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? httpUrlProblem(dataset.value) : undefined;
    if (problem) addIssue({ message: problem });
  }),
);

export const httpPath = v.pipe(v.string('must be an HTTP path like /health'), v.regex(/^\/\S*$/, 'must be an HTTP path starting with /, like /health'));

/** An IPv4 network in CIDR form, like 172.28.0.0/16. */
const ipv4 = (t: string) => isIPv4(t);
const cidr = v.pipe(
  v.string('must be a network like 172.28.0.0/16'),
  v.check((t) => {
    const [addr, bits, ...rest] = t.split('/');
    return !rest.length && ipv4(addr ?? '') && /^\d{1,2}$/.test(bits ?? '') && Number(bits) >= 8 && Number(bits) <= 30;
  }, 'is not a network like 172.28.0.0/16 (IPv4, prefix /8 to /30)'),
);

export const networkSchema = v.strictObject(
  {
    name: v.optional(v.pipe(v.string(), v.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a network name (letters, digits, _, . and -)'))),
    subnet: v.optional(cidr),
    gateway: v.optional(v.pipe(v.string(), v.check(ipv4, 'must be an IPv4 address like 172.28.0.1'))),
    external: v.optional(v.boolean('must be true or false')),
  },
  'must be a map: name, subnet, gateway, external',
);

/** What the schema cannot say in one key: combinations of network: keys. */
export function networkProblem(n: { name?: string; subnet?: string; gateway?: string; external?: boolean }): { path: string; message: string } | undefined {
  if (n.external && !n.name) return { path: 'network.name', message: 'external: true joins a network that exists; name it' };
  if (n.external && (n.subnet || n.gateway)) return { path: `network.${n.subnet ? 'subnet' : 'gateway'}`, message: 'an external network has its own; drop it' };
  if (n.gateway && !n.subnet) return { path: 'network.gateway', message: 'needs subnet too' };
  return undefined;
}
