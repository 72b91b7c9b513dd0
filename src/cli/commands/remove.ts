/** remove (containers; --delete-files, --volumes) and clean (containers, volumes and files). Only these delete volumes. */
import type { Context } from '../context.js';
import { BerthError, isBerthError } from '../../errors.js';
import { DockerApi } from '../../engine/docker-api.js';
import { ensureEngine, openStack } from '../../ops/session.js';
import { cleanLeftovers, leftovers, teardownStack, volumesToDelete, type TeardownResult } from '../../ops/teardown.js';
import { validateStackName } from '../../store/home.js';
import { confirmDeletion } from '../confirm.js';
import { printJson, warn } from '../output.js';

interface Opts {
  json?: boolean;
  dryRun?: boolean;
  deleteFiles?: boolean;
  volumes?: boolean;
  yes?: boolean;
}

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
  const onWait = (h: string) => warn(ctx.io, `waiting for ${h} to finish with stack ${name}`);
  validateStackName(name);
  const files = filesState(ctx, name);
  if (o.volumes && o.files && files !== 'ok') return cleanWithoutFiles(ctx, name, files === 'damaged', o);
  const s = openStack(ctx, name, { dryRun: o.dryRun, json: o.json });
  await ensureEngine(s);
  if (o.volumes) {
    const planned = await volumesToDelete(s);
    if (!(await confirmDeletion(ctx.io, name, `the volumes of stack ${name} (${list(planned)})${o.files ? ' and its files' : ''}`, o.yes))) return 1;
  }
  return report(ctx, await teardownStack(s, { volumes: o.volumes, files: o.files, onWait }), o);
}

/** Whether the stack has files berth can read, none, or damaged ones. */
function filesState(ctx: Context, name: string): 'ok' | 'missing' | 'damaged' {
  try {
    openStack(ctx, name);
    return 'ok';
  } catch (e) {
    if (isBerthError(e) && (e.code === 'not_found' || e.code === 'damaged')) return e.code === 'damaged' ? 'damaged' : 'missing';
    throw e;
  }
}

/** clean of a removed or damaged stack: whatever berth's labels still find. */
async function cleanWithoutFiles(ctx: Context, name: string, damaged: boolean, o: { yes?: boolean; dryRun?: boolean; json?: boolean }): Promise<number> {
  const engine = ctx.engine ?? new DockerApi(ctx.io.env);
  const found = await leftovers(engine, name);
  if (!found.containers.length && !found.volumes.length && !damaged) {
    throw new BerthError(`no stack named ${name}, and no containers or volumes of one; berth list shows the stacks`, { code: 'not_found' });
  }
  if (!(await confirmDeletion(ctx.io, name, `what is left of stack ${name} (volumes: ${list(found.volumes)}; containers: ${found.containers.length}) and its files`, o.yes))) return 1;
  const r = await cleanLeftovers(ctx.home, engine, name, { dryRun: !!o.dryRun, onWait: (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${name}`) });
  return report(ctx, r, { volumes: true, dryRun: o.dryRun, json: o.json });
}

export async function remove(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  return teardown(ctx, String(name), { volumes: !!opts.volumes, files: !!opts.deleteFiles, yes: opts.yes, dryRun: opts.dryRun, json: opts.json });
}

export async function clean(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  return teardown(ctx, String(name), { volumes: true, files: true, yes: opts.yes, dryRun: opts.dryRun, json: opts.json });
}
