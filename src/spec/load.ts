/**
 * stack.yaml -> StackSpec: the YAML parsed (syntax errors name the file, line
 * and column) and the top level checked against its strict schema. Each
 * service's options are checked against its component's schema in resolve
 * (resolve/spec.ts), which knows the catalog; `serviceSchema` builds that
 * schema from the option definitions it is given.
 */
import * as v from 'valibot';
import { dict } from './dict.js';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError, type Issue } from '../errors.js';
import { imageOverrideMap } from './common.js';
import { envMap, networkProblem, networkSchema, profiles, size, type OptionDefs } from './fields.js';
import { keysAt, schemaIssues } from './issues.js';
import { nodesSchema } from './nodes.js';
import { secretSourcesSchema } from './secrets.js';
import type { StackSpec } from './types.js';

const TOP_KEYS = ['version', 'description', 'profiles', 'memoryBudget', 'images', 'vars', 'secretsFromEnv', 'secrets', 'network', 'nodes', 'services'];

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
  secrets: v.optional(secretSourcesSchema),
  network: v.optional(networkSchema),
  nodes: v.optional(nodesSchema),
  services: v.pipe(
    dict(v.string(), v.union([dict(v.string(), v.unknown()), v.null()], 'must be a map of options (or empty)'), 'must be a map of service name: options'),
    v.check((s) => Object.keys(s).length > 0, 'needs at least one service; see berth catalog for components'),
  ),
});

/**
 * Checks the top level of a parsed stack.yaml; each service's options are left
 * as given. Every issue is returned; `raw` only when there are none, and
 * `services` whenever that key itself is a valid map, so its services can be
 * checked too.
 */
export function validateTopLevel(data: unknown): { raw?: StackSpec; services?: StackSpec['services']; issues: Issue[] } {
  const top = v.safeParse(TopLevel, data);
  if (!top.success) {
    const issues = schemaIssues('', top.issues, (p) => (p === '' ? TOP_KEYS : keysAt(TopLevel, p.split('.'))));
    const services = v.safeParse(TopLevel.entries.services, (data as Record<string, unknown>).services);
    return { issues, services: services.success ? services.output : undefined };
  }
  const raw = top.output as StackSpec;
  const netProblem = raw.network && networkProblem(raw.network);
  return netProblem ? { issues: [netProblem], services: raw.services } : { raw, services: raw.services, issues: [] };
}

const schemaCache = new Map<string, v.GenericSchema>();

/** The strict schema of a service's options, cached under `key` (the component name). */
export function serviceSchema(key: string, defs: OptionDefs): v.GenericSchema {
  let s = schemaCache.get(key);
  if (!s) {
    s = v.strictObject(Object.fromEntries(Object.entries(defs).map(([k, o]) => [k, v.optional(o.schema)])));
    schemaCache.set(key, s);
  }
  return s;
}

/** Parses stack.yaml text into a map; YAML syntax errors name the file, line and column. */
export function parseSpecYaml(text: string, file = 'stack.yaml'): Record<string, unknown> {
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
  return data as Record<string, unknown>;
}
