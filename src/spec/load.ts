/**
 * stack.yaml -> ValidSpec. Two passes: the top level (strict), then each service
 * against its own component's schema (common options + the component's own), so
 * an unknown key or a bad value is reported with its full path.
 */
import * as v from 'valibot';
import { dict } from './dict.js';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { COMPONENTS, findComponent, imageKeys } from '../catalog/index.js';
import type { ComponentDef } from '../catalog/types.js';
import { COMMON_OPTIONS, DATASTORE_OPTIONS, EXPORTER_OPTIONS, imageOverrideMap } from './common.js';
import { envMap, networkProblem, networkSchema, profiles, size } from './fields.js';
import { describeIssue, keysAt, primaryIssue, suggest } from './issues.js';
import type { StackSpec, ValidSpec } from './types.js';
import { SERVICE_NAME_RE } from '../util/names.js';

const TOP_KEYS = ['version', 'description', 'profiles', 'memoryBudget', 'images', 'vars', 'secretsFromEnv', 'network', 'services'];

const TopLevel = v.strictObject({
  version: v.optional(v.literal(1, 'must be 1')),
  description: v.optional(v.string()),
  profiles: v.optional(profiles),
  memoryBudget: v.optional(size),
  images: v.optional(imageOverrideMap),
  vars: v.optional(envMap),
  secretsFromEnv: v.optional(
    v.union([v.literal(true), v.array(v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an env name like DB_PASSWORD')))], 'must be true (all) or a list of secret names'),
  ),
  network: v.optional(networkSchema),
  services: v.pipe(
    dict(v.string(), v.union([dict(v.string(), v.unknown()), v.null()], 'must be a map of options (or empty)'), 'must be a map of service name: options'),
    v.check((s) => Object.keys(s).length > 0, 'needs at least one service; see berth catalog for components'),
  ),
});

/**
 * Service names that are keys of every JavaScript object: the stack's state
 * (scaled replicas, dependencies, secrets) is kept in objects keyed by service,
 * where such a name would read as the object's own machinery.
 */
const RESERVED_NAMES = new Set(['constructor', 'prototype', '__proto__']);

const schemaCache = new Map<string, v.GenericSchema>();

export function optionDefsOf(def: ComponentDef) {
  return { ...COMMON_OPTIONS, ...(def.connection && def.category !== 'observability' ? DATASTORE_OPTIONS : {}), ...(def.exporter ? EXPORTER_OPTIONS : {}), ...def.options };
}

function serviceSchema(def: ComponentDef): v.GenericSchema {
  let s = schemaCache.get(def.name);
  if (!s) {
    const entries = Object.fromEntries(Object.entries(optionDefsOf(def)).map(([k, o]) => [k, v.optional(o.schema)]));
    s = v.strictObject(entries);
    schemaCache.set(def.name, s);
  }
  return s;
}

function componentFor(name: string, options: Record<string, unknown>): ComponentDef {
  const declared = options.component;
  const wanted = typeof declared === 'string' ? declared : name;
  const def = findComponent(wanted);
  const visible = COMPONENTS.map((c) => c.name);
  if (def) return def;
  if (typeof declared === 'string') {
    throw new UsageError(`services.${name}.component: unknown component ${JSON.stringify(declared)}; ${suggest(declared, visible)}berth catalog lists them`);
  }
  throw new UsageError(`services.${name}: ${JSON.stringify(name)} is not a catalog component; ${suggest(name, visible)}set component: <name> (berth catalog lists them)`);
}

/** Validates a parsed stack.yaml object. */
export function validateSpec(data: unknown): ValidSpec {
  const top = v.safeParse(TopLevel, data);
  if (!top.success) {
    throw new UsageError(describeIssue('', primaryIssue(top.issues), (p) => (p === '' ? TOP_KEYS : keysAt(TopLevel, p.split('.')))));
  }
  const raw = top.output as StackSpec;
  const netProblem = raw.network && networkProblem(raw.network);
  if (netProblem) throw new UsageError(netProblem);
  for (const key of Object.keys(raw.images ?? {})) {
    const keys = imageKeys();
    if (!keys.has(key)) throw new UsageError(`images.${key}: unknown component; ${suggest(key, keys.keys())}images are keyed by component: ${[...keys.keys()].join(', ')}`);
  }
  const services = Object.entries(raw.services).map(([name, given]) => {
    if (RESERVED_NAMES.has(name)) {
      throw new UsageError(`services.${name}: ${name} is a reserved name (JavaScript objects give it a meaning of their own); rename the service, like ${name.replace(/_/g, '')}-1`);
    }
    if (!SERVICE_NAME_RE.test(name)) {
      throw new UsageError(`services.${name}: not a valid service name; use lowercase letters, digits, - and _ (starting with a letter or digit)`);
    }
    const options = (given ?? {}) as Record<string, unknown>;
    const def = componentFor(name, options);
    if (def.internal) throw new UsageError(`services.${name}: ${def.name} is added by berth itself; remove it`);
    const res = v.safeParse(serviceSchema(def), options);
    if (!res.success) {
      const prefix = `services.${name}`;
      const keysUnder = (p: string) => (p === prefix ? Object.keys(optionDefsOf(def)) : p.startsWith(`${prefix}.`) ? keysAt(serviceSchema(def), p.slice(prefix.length + 1).split('.')) : undefined);
      throw new UsageError(describeIssue(prefix, primaryIssue(res.issues), keysUnder));
    }
    return { name, def, options: res.output as ValidSpec['services'][number]['options'] };
  });
  return { raw, services };
}

/** Parses stack.yaml text; YAML syntax errors name the file, line and column. */
export function parseSpecText(text: string, file = 'stack.yaml'): ValidSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true, merge: true });
  const err = doc.errors[0];
  if (err) {
    // prettyErrors is off (it appends a multi-line excerpt), so the position comes from the line counter.
    const pos = err.linePos?.[0] ?? (err.pos[0] >= 0 ? lineCounter.linePos(err.pos[0]) : undefined);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new UsageError(`${where}: ${err.message.split('\n')[0]}; fix the YAML syntax`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias that expands without bound (a "billion laughs" file) is refused, not expanded.
    throw new UsageError(`${file}: ${(e as Error).message.replace(/\.$/, '')}; use fewer YAML aliases (*name)`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got = data === null ? 'an empty file' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new UsageError(`${file}: expected a map with services:, got ${got}`);
  }
  return validateSpec(data);
}
