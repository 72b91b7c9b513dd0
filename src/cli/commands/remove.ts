/** remove (containers; --delete-files, --volumes) and clean (containers, volumes and files). Only these delete volumes. */
import type { Context } from '../context.js';
import type { CommandSpec } from '../spec.js';
import type { TeardownResult } from '../../ops/teardown.js';
import { validateStackName } from '../../store/home.js';
import { confirmDeletion } from '../confirm.js';
import { opsDeps } from '../deps.js';
import { printJson } from '../output.js';

const list = (names: string[]) => names.join(', ') || 'none';

function report(ctx: Context, r: TeardownResult, o: { volumes: boolean; dryRun?: boolean; json?: boolean }): number {
  if (o.json) {
    printJson(ctx.io, { stack: r.stack, containersRemoved: true, volumesRemoved: r.volumesDeleted, volumesKept: r.volumesKept, filesRemoved: r.filesRemoved, dryRun: !!o.dryRun });
    return 0;
  }
  if (o.dryRun) {
    for (const v of r.volumesDeleted) ctx.io.out(`docker volume rm ${v}\n`);
    if (r.filesRemoved) ctx.io.out(`rm -r ${r.dir}\n`);
    return 0;
  }
  ctx.io.out(r.leftoverContainers ? `Removed ${r.leftoverContainers} leftover container(s) of stack ${r.stack}.\n` : `Removed the containers of stack ${r.stack}.\n`);
  ctx.io.out(o.volumes ? `Deleted volumes: ${list(r.volumesDeleted)}.\n` : `Kept volumes: ${list(r.volumesKept)}.\n`);
  ctx.io.out(r.filesRemoved ? `Deleted ${r.dir}.\n` : `Kept the stack files in ${r.dir}.\n`);
  return 0;
}

async function teardown(ctx: Context, name: string, o: { volumes: boolean; files: boolean; yes?: boolean; dryRun?: boolean; json?: boolean }): Promise<number> {
  validateStackName(name);
  const deps = opsDeps(ctx, { json: o.json });
  const ops = await import('../../ops/teardown.js');
  const plan = await ops.planTeardown(deps, name, { volumes: o.volumes, files: o.files, dryRun: !!o.dryRun });
  if (o.volumes && !(await confirmDeletion(ctx.io, name, plan.what, o.yes))) return 1;
  return report(ctx, await plan.run(), o);
}

const YES = { flags: '-y, --yes', doc: 'confirm deleting volumes' };

export const remove: CommandSpec = {
  name: 'remove',
  doc: "remove a stack's containers; --delete-files also its files, --volumes also its data",
  aliases: ['rm'],
  args: [['<name>', 'stack name']],
  dryRun: true,
  flags: [
    { flags: '--delete-files', doc: 'also delete the stack directory' },
    { flags: '--volumes', doc: 'also delete its volumes (asks on a terminal; --yes otherwise)' },
    YES,
  ],
  run: (ctx, [name], opts) => teardown(ctx, String(name), { volumes: !!opts.volumes, files: !!opts.deleteFiles, yes: !!opts.yes, dryRun: !!opts.dryRun, json: !!opts.json }),
};

export const clean: CommandSpec = {
  name: 'clean',
  doc: "remove a stack's containers, volumes and files (asks on a terminal; --yes otherwise)",
  args: [['<name>', 'stack name']],
  dryRun: true,
  flags: [{ ...YES, doc: 'confirm deleting volumes and files' }],
  run: (ctx, [name], opts) => teardown(ctx, String(name), { volumes: true, files: true, yes: !!opts.yes, dryRun: !!opts.dryRun, json: !!opts.json }),
};
