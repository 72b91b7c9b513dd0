/** remove (containers; --delete-files, --volumes) and clean (containers, volumes and files). Only these delete volumes. */
import fs from 'node:fs';
import type { Context } from '../context.js';
import { BerthError } from '../../errors.js';
import { stackVolumeNames } from '../../engine/volumes.js';
import { composeArgs } from '../../engine/compose.js';
import { allProfiles, ensureEngine, openStack, runCompose, withStackLock, type Session } from '../../ops/session.js';
import { confirmDeletion } from '../confirm.js';
import { printJson, warn } from '../output.js';

interface Opts {
  json?: boolean;
  dryRun?: boolean;
  deleteFiles?: boolean;
  volumes?: boolean;
  yes?: boolean;
}

/**
 * The stack's volumes: those its Compose file names, and any other the engine
 * holds for it (of services dropped at a regenerate), which Compose's
 * `down --volumes` no longer knows.
 */
async function stackVolumes(s: Session): Promise<string[]> {
  const named = s.manifest.volumes.map((v) => `${s.ref.name}_${v}`);
  return [...new Set([...named, ...(s.dryRun ? [] : await stackVolumeNames(s.engine(), s.ref.name))])].sort();
}

async function teardown(ctx: Context, name: string, o: { volumes: boolean; files: boolean; yes?: boolean; dryRun?: boolean; json?: boolean }): Promise<number> {
  const s = openStack(ctx, name, { dryRun: o.dryRun, json: o.json });
  await ensureEngine(s);
  let vols = await stackVolumes(s);
  if (o.volumes && !(await confirmDeletion(ctx.io, name, `the volumes of stack ${name} (${vols.join(', ') || 'none'})${o.files ? ' and its files' : ''}`, o.yes))) return 1;
  await withStackLock(s, o.volumes ? 'clean' : 'remove', async () => {
    await runCompose(s, composeArgs.down({ volumes: o.volumes }), { profiles: allProfiles(s.manifest), what: 'down' });
    if (o.volumes) {
      // What down --volumes left: volumes of services no longer in the file.
      const remaining = s.dryRun ? [] : (await stackVolumeNames(s.engine(), name)).filter((v) => vols.includes(v));
      if (remaining.length) {
        const r = await s.runner.run({ argv: ['docker', 'volume', 'rm', ...remaining] });
        if (r.code !== 0) throw new BerthError(`could not delete volumes of stack ${name}: ${r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`}`);
      }
    }
    if (o.files && !s.dryRun) fs.rmSync(s.ref.dir, { recursive: true, force: true });
  }, (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${name}`));
  if (!o.volumes) vols = s.manifest.volumes.map((v) => `${name}_${v}`);
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
