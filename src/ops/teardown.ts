import fs from 'node:fs';
/**
 * remove and clean: take a stack's containers down, and, when asked, delete
 * its data and files. Only volumes berth made for the stack are deleted (its
 * labels and a name the stack declared), each one checked, and only those
 * that existed and were deleted are reported. A stack whose files are gone
 * (remove --delete-files) or damaged can still be cleaned: its containers and
 * volumes are found by berth's labels.
 */
import { LABEL_STACK, type Engine } from '../engine/docker-api.js';
import { composeArgs } from '../engine/compose.js';
import { ownedVolumes } from '../engine/volumes.js';
import { allProfiles, openStack, runCompose, withStackLock, type Session } from './session.js';
import { BerthError, isBerthError } from '../errors.js';
import type { OpsDeps } from './deps.js';

export interface TeardownOptions {
  /** Delete the stack's volumes. */
  volumes: boolean;
  /** Delete the stack's folder. */
  files: boolean;
}

/** What a teardown would delete (to confirm with the user), and the teardown itself. */
export interface TeardownPlan {
  /** `the volumes of stack x (x_data, ...) and its files`. */
  what: string;
  run(): Promise<TeardownResult>;
}

/**
 * remove or clean of a stack: with readable files, Compose takes it down and
 * berth deletes what it made; a clean of a stack whose files are gone or
 * damaged finds what is left by berth's labels.
 */
export async function planTeardown(deps: OpsDeps, name: string, o: TeardownOptions & { dryRun: boolean }): Promise<TeardownPlan> {
  const files = filesState(deps, name);
  const list = (names: string[]) => names.join(', ') || 'none';
  if (o.volumes && o.files && files !== 'ok') {
    const found = await leftovers(deps.engine(), name);
    if (!found.containers.length && !found.volumes.length && files === 'missing') {
      throw new BerthError(`no stack named ${name}, and no containers or volumes of one; berth list shows the stacks`, { code: 'not_found' });
    }
    return { what: `what is left of stack ${name} (volumes: ${list(found.volumes)}; containers: ${found.containers.length}) and its files`, run: () => cleanLeftovers(deps, name, o) };
  }
  const s = openStack(deps, name, { dryRun: o.dryRun });
  if (!s.dryRun) await s.engine().ping();
  const planned = o.volumes ? await volumesToDelete(s) : [];
  return { what: `the volumes of stack ${name} (${list(planned)})${o.files ? ' and its files' : ''}`, run: () => teardownStack(s, o) };
}

/** Whether the stack has files berth can read, none, or damaged ones. */
function filesState(deps: OpsDeps, name: string): 'ok' | 'missing' | 'damaged' {
  try {
    openStack(deps, name);
    return 'ok';
  } catch (e) {
    if (isBerthError(e) && (e.code === 'not_found' || e.code === 'damaged')) return e.code === 'damaged' ? 'damaged' : 'missing';
    throw e;
  }
}

export interface TeardownResult {
  stack: string;
  dir: string;
  /** Volumes deleted (in a dry run: that would be). */
  volumesDeleted: string[];
  /** The stack's volumes left in place. */
  volumesKept: string[];
  filesRemoved: boolean;
  /** Containers removed by label, for a stack without files. */
  leftoverContainers: number;
}

/** The volumes remove --volumes or clean would delete now: berth's own for this stack. */
export async function volumesToDelete(s: Session): Promise<string[]> {
  return ownedVolumes(s.engine(), s.ref.name, s.manifest.volumesEver).catch((e) => (s.dryRun ? [] : Promise.reject(e)));
}

export function teardownStack(s: Session, o: TeardownOptions): Promise<TeardownResult> {
  return withStackLock(s, o.volumes ? 'clean' : 'remove', async () => {
    await runCompose(s, composeArgs.down(), { profiles: allProfiles(s.manifest), what: 'down' });
    const owned = await volumesToDelete(s);
    const deleted = o.volumes ? await deleteVolumes(s.engine(), owned, s.dryRun) : [];
    if (!s.dryRun && o.files) s.deps.store.stacks.delete(s.ref.name);
    if (!s.dryRun && o.volumes) s.deps.store.runtime.forget(s.ref.name);
    return { stack: s.ref.name, dir: s.ref.dir, volumesDeleted: deleted, volumesKept: owned.filter((v) => !deleted.includes(v)), filesRemoved: o.files, leftoverContainers: 0 };
  });
}

/** Deletes each volume; a volume already gone is not reported as deleted. */
async function deleteVolumes(engine: Engine, names: string[], dryRun: boolean): Promise<string[]> {
  if (dryRun) return names;
  const deleted: string[] = [];
  for (const v of names) if (await engine.removeVolume(v)) deleted.push(v);
  return deleted;
}

/** What a stack without readable files left on the engine: its containers and volumes, by berth's labels. */
export async function leftovers(engine: Engine, stack: string): Promise<{ containers: string[]; volumes: string[] }> {
  const containers = await engine.listContainers([`${LABEL_STACK}=${stack}`]);
  return { containers: containers.map((c) => c.Id), volumes: await ownedVolumes(engine, stack) };
}

/** clean of a stack whose files are gone or damaged: its labelled containers and volumes, then its folder. */
export async function cleanLeftovers(deps: OpsDeps, stack: string, o: { dryRun: boolean }): Promise<TeardownResult> {
  const { stacks, runtime, locks } = deps.store;
  const engine = deps.engine();
  const work = async () => {
    const found = await leftovers(engine, stack);
    const dir = stacks.dir(stack);
    if (!o.dryRun) for (const id of found.containers) await engine.removeContainer(id);
    const deleted = await deleteVolumes(engine, found.volumes, o.dryRun);
    const hadFiles = fs.existsSync(dir);
    if (!o.dryRun) {
      stacks.delete(stack);
      runtime.forget(stack);
    }
    return { stack, dir, volumesDeleted: deleted, volumesKept: [], filesRemoved: hadFiles, leftoverContainers: found.containers.length };
  };
  return o.dryRun ? work() : locks.withLock(stack, 'clean', work, (holder) => deps.onEvent({ type: 'waiting', stack, holder }));
}
