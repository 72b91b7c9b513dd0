/** remove (containers; --delete-files, --volumes) and clean (containers, volumes and files). Only these delete volumes. */
import fs from 'node:fs';
import type { Context } from '../context.js';
import { withLock } from '../../store/lock.js';
import { composeArgs } from '../../engine/compose.js';
import { allProfiles, ensureEngine, openStack, runCompose } from '../../ops/session.js';
import { confirmDeletion } from '../confirm.js';
import { printJson, warn } from '../output.js';

interface Opts {
  json?: boolean;
  dryRun?: boolean;
  deleteFiles?: boolean;
  volumes?: boolean;
  yes?: boolean;
}

async function teardown(ctx: Context, name: string, o: { volumes: boolean; files: boolean; yes?: boolean; dryRun?: boolean; json?: boolean }): Promise<number> {
  const s = openStack(ctx, name, { dryRun: o.dryRun, json: o.json });
  const vols = s.manifest.volumes.map((v) => `${name}_${v}`);
  if (o.volumes && !(await confirmDeletion(ctx.io, name, `the volumes of stack ${name} (${vols.join(', ') || 'none'})${o.files ? ' and its files' : ''}`, o.yes))) return 1;
  await ensureEngine(s);
  await withLock(ctx.home, name, o.volumes ? 'clean' : 'remove', async () => {
    await runCompose(s, composeArgs.down({ volumes: o.volumes }), { profiles: allProfiles(s.manifest), what: 'down' });
    if (o.files && !s.dryRun) fs.rmSync(s.ref.dir, { recursive: true, force: true });
  }, { onWait: (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${name}`) });
  if (o.dryRun) {
    if (o.files) ctx.io.out(`rm -r ${s.ref.dir}\n`);
    return 0;
  }
  if (o.json) printJson(ctx.io, { stack: name, containersRemoved: true, volumesRemoved: o.volumes ? vols : [], filesRemoved: o.files });
  else {
    ctx.io.out(`Removed the containers of stack ${name}.\n`);
    ctx.io.out(o.volumes ? `Deleted volumes: ${vols.join(', ') || 'none'}.\n` : `Kept volumes: ${vols.join(', ') || 'none'}.\n`);
    ctx.io.out(o.files ? `Deleted ${s.ref.dir}.\n` : `Kept the stack files in ${s.ref.dir}.\n`);
  }
  return 0;
}

export async function remove(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  return teardown(ctx, String(name), { volumes: !!opts.volumes, files: !!opts.deleteFiles, yes: opts.yes, dryRun: opts.dryRun, json: opts.json });
}

export async function clean(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  return teardown(ctx, String(name), { volumes: true, files: true, yes: opts.yes, dryRun: opts.dryRun, json: opts.json });
}
