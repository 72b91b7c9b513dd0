/** berth list: the stored stacks. */
import type { CommandSpec } from '../spec.js';
import { opsDeps } from '../deps.js';
import { printJson, table } from '../output.js';

export const list: CommandSpec = {
  name: 'list',
  doc: 'list stored stacks',
  aliases: ['ls'],
  async run(ctx, _args, opts) {
    const { listStacks } = await import('../../ops/list.js');
    const rows = listStacks(opsDeps(ctx, { json: !!opts.json }));
    if (opts.json) return printJson(ctx.io, rows.map(({ damaged, ...r }) => ({ ...r, damaged: !!damaged }))), 0;
    if (!rows.length) return ctx.io.out('No stacks yet. Create one: berth generate <name> --web --postgres --monitoring\n'), 0;
    const line = (r: (typeof rows)[number]) =>
      r.damaged ? [r.name, 'damaged', '-', '-', '-'] : [r.name, r.services.length, r.ports.join(',') || '-', r.profiles.join(',') || '-', r.updated.replace('T', ' ').slice(0, 19)];
    ctx.io.out(table(['NAME', 'SERVICES', 'PORTS', 'PROFILES', 'UPDATED'], rows.map(line)));
    return 0;
  },
};
