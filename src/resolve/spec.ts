/**
 * stack.yaml -> ValidSpec. Two passes: the top level (strict, spec/load.ts),
 * then each service against its own component's schema (common options + the
 * component's own), so an unknown key or a bad value is reported with its full
 * path. Here, not in spec/, because binding a service to its component needs
 * the catalog.
 */
import * as v from 'valibot';
import { UsageError } from '../errors.js';
import { COMPONENTS, findComponent, imageKeys } from '../catalog/index.js';
import { optionDefsOf } from '../catalog/options.js';
import type { CommonOptions, ComponentDef } from '../catalog/types.js';
import { parseSpecYaml, serviceSchema, validateTopLevel } from '../spec/load.js';
import { describeIssue, keysAt, primaryIssue, suggest } from '../spec/issues.js';
import type { StackSpec } from '../spec/types.js';
import { SERVICE_NAME_RE } from '../util/names.js';

export interface SpecService {
  name: string;
  def: ComponentDef;
  options: CommonOptions & Record<string, unknown>;
}

/** A validated spec: every service bound to its catalog component. */
export interface ValidSpec {
  raw: StackSpec;
  services: SpecService[];
}

/**
 * Service names that are keys of every JavaScript object: the stack's state
 * (scaled replicas, dependencies, secrets) is kept in objects keyed by service,
 * where such a name would read as the object's own machinery.
 */
const RESERVED_NAMES = new Set(['constructor', 'prototype', '__proto__']);

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

function bindService(name: string, given: Record<string, unknown> | null): SpecService {
  if (RESERVED_NAMES.has(name)) {
    throw new UsageError(`services.${name}: ${name} is a reserved name (JavaScript objects give it a meaning of their own); rename the service, like ${name.replace(/_/g, '')}-1`);
  }
  if (!SERVICE_NAME_RE.test(name)) {
    throw new UsageError(`services.${name}: not a valid service name; use lowercase letters, digits, - and _ (starting with a letter or digit)`);
  }
  const options = (given ?? {}) as Record<string, unknown>;
  const def = componentFor(name, options);
  if (def.internal) throw new UsageError(`services.${name}: ${def.name} is added by berth itself; remove it`);
  const schema = serviceSchema(def.name, optionDefsOf(def));
  const res = v.safeParse(schema, options);
  if (!res.success) {
    const prefix = `services.${name}`;
    const keysUnder = (p: string) => (p === prefix ? Object.keys(optionDefsOf(def)) : p.startsWith(`${prefix}.`) ? keysAt(schema, p.slice(prefix.length + 1).split('.')) : undefined);
    throw new UsageError(describeIssue(prefix, primaryIssue(res.issues), keysUnder));
  }
  return { name, def, options: res.output as SpecService['options'] };
}

/** Validates a parsed stack.yaml object. */
export function validateSpec(data: unknown): ValidSpec {
  const raw = validateTopLevel(data);
  for (const key of Object.keys(raw.images ?? {})) {
    const keys = imageKeys();
    if (!keys.has(key)) throw new UsageError(`images.${key}: unknown component; ${suggest(key, keys.keys())}images are keyed by component: ${[...keys.keys()].join(', ')}`);
  }
  const services = Object.entries(raw.services).map(([name, given]) => bindService(name, given as Record<string, unknown> | null));
  return { raw, services };
}

/** Parses and validates stack.yaml text; YAML syntax errors name the file, line and column. */
export function parseSpecText(text: string, file = 'stack.yaml'): ValidSpec {
  return validateSpec(parseSpecYaml(text, file));
}
