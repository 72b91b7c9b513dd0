/** berth catalog: the components berth can put in a stack. */
import type { CommandSpec } from '../spec.js';
import type { ComponentInfo } from '../../ops/catalog.js';
import type { IO } from '../io.js';
import { printJson, table } from '../output.js';

function printOne(io: IO, d: ComponentInfo): void {
  io.out(`${d.name}: ${d.summary}\n  image: ${d.image ?? '(yours: image or build)'}${Object.entries(d.variants).map(([k, v]) => `\n  variant ${k}: ${v}`).join('')}\n  port: ${d.port ?? '-'}   memory: ${d.memory}\n`);
  if (d.exporter) io.out(`  metrics exporter: ${d.exporter.name} ${d.exporter.image} (port ${d.exporter.port}), added when the stack has prometheus or victoria-metrics\n`);
  io.out('\nOPTIONS\n' + table(['NAME', 'TYPE', 'DEFAULT', 'DESCRIPTION'], d.options.map((o) => [o.name, o.type, o.default ?? '-', o.doc])));
  if (d.offers.length) io.out('\nCONNECTION ENV (given to apps, workers and jobs that use it; prefixed with the service name when a stack has two)\n' + table(['NAME', 'VALUE'], d.offers.map((o) => [o.env, o.doc])));
  if (d.secrets.length) io.out('\nSECRETS (generated into .env unless given)\n' + table(['NAME', 'KIND', 'DESCRIPTION'], d.secrets.map((s) => [s.env, s.kind, s.doc])));
}

export const catalog: CommandSpec = {
  name: 'catalog',
  doc: 'components, their options and the connection env they offer',
  args: [['[component]', 'one component in detail']],
  async run(ctx, [name], opts) {
    const ops = await import('../../ops/catalog.js');
    if (name !== undefined) {
      const d = ops.describeComponent(String(name));
      if (opts.json) printJson(ctx.io, d);
      else printOne(ctx.io, d);
      return 0;
    }
    const all = ops.listComponents();
    if (opts.json) return printJson(ctx.io, all), 0;
    const envs = (d: ComponentInfo) => d.offers.map((o) => o.env).slice(0, 2).join(',') + (d.offers.length > 2 ? ',...' : '') || '-';
    ctx.io.out(table(['COMPONENT', 'CATEGORY', 'IMAGE', 'CONNECTION ENV', 'SUMMARY'], all.map((d) => [d.name, d.category, d.image ?? '(yours)', envs(d), d.summary])));
    ctx.io.out('\nberth catalog <component> shows its options, connection env and secrets.\n');
    return 0;
  },
};
