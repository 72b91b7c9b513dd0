import type { Context } from '../context.js';
import { COMPONENTS, findComponent } from '../../catalog/index.js';
import type { ComponentDef } from '../../catalog/types.js';
import { optionDefsOf } from '../../catalog/options.js';
import { UsageError } from '../../errors.js';
import { suggest } from '../../spec/issues.js';
import { printJson, table } from '../output.js';

function describe(c: ComponentDef) {
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

export async function run(ctx: Context, [name]: unknown[], opts: { json?: boolean }): Promise<number> {
  const io = ctx.io;
  if (name !== undefined) {
    const c = findComponent(String(name));
    if (!c) throw new UsageError(`catalog: no component ${JSON.stringify(name)}; ${suggest(String(name), COMPONENTS.map((x) => x.name))}berth catalog lists them`);
    const d = describe(c);
    if (opts.json) return printJson(io, d), 0;
    io.out(`${d.name}: ${d.summary}\n  image: ${d.image ?? '(yours: image or build)'}${Object.entries(d.variants).map(([k, v]) => `\n  variant ${k}: ${v}`).join('')}\n  port: ${d.port ?? '-'}   memory: ${d.memory}\n`);
    if (d.exporter) io.out(`  metrics exporter: ${d.exporter.name} ${d.exporter.image} (port ${d.exporter.port}), added when the stack has prometheus or victoria-metrics\n`);
    io.out('\nOPTIONS\n' + table(['NAME', 'TYPE', 'DEFAULT', 'DESCRIPTION'], d.options.map((o) => [o.name, o.type, o.default ?? '-', o.doc])));
    if (d.offers.length) io.out('\nCONNECTION ENV (given to apps, workers and jobs that use it; prefixed with the service name when a stack has two)\n' + table(['NAME', 'VALUE'], d.offers.map((o) => [o.env, o.doc])));
    if (d.secrets.length) io.out('\nSECRETS (generated into .env unless given)\n' + table(['NAME', 'KIND', 'DESCRIPTION'], d.secrets.map((s) => [s.env, s.kind, s.doc])));
    return 0;
  }
  const all = COMPONENTS.map(describe);
  if (opts.json) return printJson(io, all), 0;
  io.out(table(['COMPONENT', 'CATEGORY', 'IMAGE', 'CONNECTION ENV', 'SUMMARY'], all.map((d) => [d.name, d.category, d.image ?? '(yours)', d.offers.map((o) => o.env).slice(0, 2).join(',') + (d.offers.length > 2 ? ',...' : '') || '-', d.summary])));
  io.out('\nberth catalog <component> shows its options, connection env and secrets.\n');
  return 0;
}
