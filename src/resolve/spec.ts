/**
 * stack.yaml -> ValidSpec. Two passes: the top level (strict, spec/load.ts),
 * then each service against its own component's schema (common options + the
 * component's own), so an unknown key or a bad value is reported with its full
 * path. Here, not in spec/, because binding a service to its component needs
 * the catalog.
 */
import * as v from 'valibot';
import type { Issue } from '../errors.js';
import { COMPONENTS, findComponent, imageKeys } from '../catalog/index.js';
import { optionDefsOf } from '../catalog/options.js';
import type { CommonOptions, ComponentDef } from '../catalog/types.js';
import { parseSpecYaml, serviceSchema, validateTopLevel } from '../spec/load.js';
import { issuesError, keysAt, schemaIssues, suggest } from '../spec/issues.js';
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

function componentFor(name: string, options: Record<string, unknown>): ComponentDef | Issue {
  const declared = options.component;
  const wanted = typeof declared === 'string' ? declared : name;
  const def = findComponent(wanted);
  const visible = COMPONENTS.map((c) => c.name);
  if (def) return def;
  if (typeof declared === 'string') {
    return { path: `services.${name}.component`, message: `unknown component ${JSON.stringify(declared)}; ${suggest(declared, visible)}berth catalog lists them` };
  }
  return { path: `services.${name}`, message: `${JSON.stringify(name)} is not a catalog component; ${suggest(name, visible)}set component: <name> (berth catalog lists them)` };
}

/** A service bound to its component with its options checked, or the issues that prevent it. */
function bindService(name: string, given: Record<string, unknown> | null): SpecService | Issue[] {
  const at = `services.${name}`;
  if (RESERVED_NAMES.has(name)) {
    return [{ path: at, message: `${name} is a reserved name (JavaScript objects give it a meaning of their own); rename the service, like ${name.replace(/_/g, '')}-1` }];
  }
  if (!SERVICE_NAME_RE.test(name)) {
    return [{ path: at, message: 'not a valid service name; use lowercase letters, digits, - and _ (starting with a letter or digit)' }];
  }
  const options = (given ?? {}) as Record<string, unknown>;
  const def = componentFor(name, options);
  if (!('build' in def)) return [def];
  if (def.internal) return [{ path: at, message: `${def.name} is added by berth itself; remove it` }];
  const schema = serviceSchema(def.name, optionDefsOf(def));
  const res = v.safeParse(schema, options);
  if (!res.success) {
    const keysUnder = (p: string) => (p === at ? Object.keys(optionDefsOf(def)) : p.startsWith(`${at}.`) ? keysAt(schema, p.slice(at.length + 1).split('.')) : undefined);
    return schemaIssues(at, res.issues, keysUnder);
  }
  return { name, def, options: res.output as SpecService['options'] };
}

function imageKeyIssues(images: Record<string, string>): Issue[] {
  const keys = imageKeys();
  return Object.keys(images)
    .filter((key) => !keys.has(key))
    .map((key) => ({ path: `images.${key}`, message: `unknown component; ${suggest(key, keys.keys())}images are keyed by component: ${[...keys.keys()].join(', ')}` }));
}

/**
 * Validates a parsed stack.yaml object. Every issue of the document is
 * collected (the top level, `images:`, every service) and reported at once.
 */
export function validateSpec(data: unknown): ValidSpec {
  const top = validateTopLevel(data);
  const issues = [...top.issues, ...imageKeyIssues(top.raw?.images ?? {})];
  const services: SpecService[] = [];
  for (const [name, given] of Object.entries(top.services ?? {})) {
    const bound = bindService(name, given);
    if (Array.isArray(bound)) issues.push(...bound);
    else services.push(bound);
  }
  if (issues.length || !top.raw) throw issuesError(issues);
  return { raw: top.raw, services };
}

/** Parses and validates stack.yaml text; YAML syntax errors name the file, line and column. */
export function parseSpecText(text: string, file = 'stack.yaml'): ValidSpec {
  return validateSpec(parseSpecYaml(text, file));
}
