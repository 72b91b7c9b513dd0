/**
 * Offline checks of Kubernetes objects: kubernetes-models' validators (the
 * OpenAPI schemas of a recent Kubernetes), and an unknown-field check those
 * let through, derived from the package's TypeScript declarations: each
 * object type is an interface listing its fields, whose types name the
 * interfaces of nested objects (resolved through each file's imports),
 * Array<T>, or a map { [key: string]: T }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(path.join(REPO, 'package.json'));
const MODELS = path.dirname(require.resolve('kubernetes-models/package.json'));
const NODE_MODULES = path.dirname(MODELS);

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  [field: string]: unknown;
}

/** kubernetes-models' file of a kind: core v1 at v1/Kind, others at group/version/Kind. */
const modulePath = (o: KubeObject) => `${o.apiVersion}/${o.kind}`;

/** The schema's complaints about an object; none when it is valid. */
export function schemaErrors(o: KubeObject): string[] {
  let Model: new (d: unknown) => { validate(): void };
  try {
    Model = require(`kubernetes-models/${modulePath(o)}`)[o.kind];
  } catch {
    return [`${o.apiVersion} ${o.kind}: no schema for this kind`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message: string }[] }).errors;
    return errors?.map((x) => `${x.instancePath || '/'} ${x.message}`) ?? [String((e as Error).message)];
  }
}

/** A field's type as the declarations write it. */
type FieldType = { iface: Interface } | { array: FieldType } | { map: FieldType } | 'leaf';

interface Interface {
  fields: Map<string, FieldType>;
}

const cache = new Map<string, Interface | undefined>();

/** The file an import names, from the file that imports it. */
function importedFile(from: string, spec: string): string {
  return (spec.startsWith('.') ? path.resolve(path.dirname(from), spec) : path.join(NODE_MODULES, spec)) + '.d.ts';
}

/** Field declarations `"name"?: Type;` at the top level of a body, split at the semicolons outside brackets. */
function fieldsOf(body: string, file: string, imports: Map<string, string>): Map<string, FieldType> {
  const fields = new Map<string, FieldType>();
  let depth = 0;
  let current = '';
  for (const ch of body.replace(/\/\*\*[\s\S]*?\*\//g, '')) {
    if (ch === '{' || ch === '<') depth++;
    if (ch === '}' || ch === '>') depth--;
    if (ch === ';' && depth === 0) {
      const m = /^\s*"([^"]+)"\??:\s*([\s\S]+)$/.exec(current);
      if (m) fields.set(m[1]!, parseType(m[2]!, file, imports));
      current = '';
    } else current += ch;
  }
  return fields;
}

function parseType(text: string, file: string, imports: Map<string, string>): FieldType {
  const t = text.trim();
  const arr = /^Array<([\s\S]+)>$/.exec(t);
  if (arr) return { array: parseType(arr[1]!, file, imports) };
  const obj = /^\{([\s\S]*)\}$/.exec(t);
  if (obj) {
    const map = /^\s*\[key: string\]:\s*([\s\S]+?);?\s*$/.exec(obj[1]!);
    return map ? { map: parseType(map[1]!, file, imports) } : { iface: { fields: fieldsOf(obj[1]!, file, imports) } };
  }
  const target = imports.get(t);
  const iface = target ? interfaceOf(target) : undefined;
  return iface ? { iface } : 'leaf';
}

/** The first interface a declaration file exports, with its fields; undefined for a type alias (IntOrString, Quantity). */
function interfaceOf(file: string): Interface | undefined {
  if (cache.has(file)) return cache.get(file);
  const text = fs.readFileSync(file, 'utf8');
  const imports = new Map([...text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)].map((m) => [m[1]!, importedFile(file, m[2]!)]));
  const body = /^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}$/m.exec(text)?.[1];
  if (body === undefined) {
    cache.set(file, undefined);
    return undefined;
  }
  // Cached before its fields are read: a type may contain itself (JSONSchemaProps).
  const iface: Interface = { fields: new Map() };
  cache.set(file, iface);
  for (const [k, v] of fieldsOf(body, file, imports)) iface.fields.set(k, v);
  return iface;
}

function walk(value: unknown, type: FieldType, at: string, out: string[]): void {
  if (type === 'leaf' || value === null || typeof value !== 'object') return;
  if ('array' in type) return void (Array.isArray(value) && value.forEach((v, i) => walk(v, type.array, `${at}[${i}]`, out)));
  if ('map' in type) return void Object.entries(value).forEach(([k, v]) => walk(v, type.map, `${at}.${k}`, out));
  for (const [k, v] of Object.entries(value)) {
    const field = type.iface.fields.get(k);
    if (!field) out.push(`${at}.${k}: unknown field`);
    else walk(v, field, `${at}.${k}`, out);
  }
}

/** Fields the object's type does not have, as paths. */
export function unknownFields(o: KubeObject): string[] {
  const file = path.join(MODELS, `${modulePath(o)}.d.ts`);
  const iface = fs.existsSync(file) ? interfaceOf(file) : undefined;
  if (!iface) return [`${o.apiVersion} ${o.kind}: no declarations for this kind`];
  const out: string[] = [];
  walk(o, { iface }, o.kind, out);
  return out;
}

/** Both checks, each problem naming the object. */
export function objectProblems(o: KubeObject): string[] {
  const name = `${o.kind}/${o.metadata?.name ?? '?'}`;
  return [...schemaErrors(o), ...unknownFields(o)].map((p) => `${name}: ${p}`);
}
