/** berth catalog: the components, their options, the connection env they offer and their secrets. */
import { COMPONENTS, findComponent } from '../catalog/index.js';
import type { ComponentDef } from '../catalog/types.js';
import { optionDefsOf } from '../catalog/options.js';
import { UsageError } from '../errors.js';
import { suggest } from '../spec/issues.js';

export interface ComponentInfo {
  name: string;
  summary: string;
  category: string;
  image: string | null;
  variants: Record<string, string>;
  port: number | null;
  memory: string;
  options: { name: string; type: string; default: string | null; doc: string }[];
  secrets: { env: string; kind: string; doc: string }[];
  offers: { env: string; doc: string }[];
  exporter: { name: string; image: string; port: number } | null;
}

function describe(c: ComponentDef): ComponentInfo {
  return {
    name: c.name,
    summary: c.summary,
    category: c.category,
    image: c.image || null,
    variants: c.variants ?? {},
    port: c.port ?? null,
    memory: c.memory,
    options: Object.entries(optionDefsOf(c)).map(([name, o]) => ({ name, type: o.type, default: o.default ?? null, doc: o.doc })),
    secrets: (c.secrets ?? []).map((s) => ({ env: s.env ?? `<SERVICE>_${s.suffix}`, kind: s.kind, doc: s.doc })),
    offers: (c.offers ?? []).map((o) => ({ env: o.name, doc: o.doc })),
    exporter: c.exporter ? { name: c.exporter.name, image: c.exporter.image, port: c.exporter.port } : null,
  };
}

export function listComponents(): ComponentInfo[] {
  return COMPONENTS.map(describe);
}

export function describeComponent(name: string): ComponentInfo {
  const c = findComponent(name);
  if (!c) throw new UsageError(`catalog: no component ${JSON.stringify(name)}; ${suggest(name, COMPONENTS.map((x) => x.name))}berth catalog lists them`);
  return describe(c);
}
