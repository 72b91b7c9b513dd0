/**
 * down, build and pull: Compose commands for one stored stack, under its lock.
 * `terminal`: Compose's own progress goes to the user's terminal (the front
 * end's choice); otherwise it is captured, and its last words become the error.
 */
import { composeArgs } from '../engine/compose.js';
import { forgetScaled } from './runtime-choices.js';
import { allProfiles, runCompose, withStackLock, type Session } from './session.js';

export interface DownResult {
  stack: string;
  /** The services taken down; all of them when none were named. */
  services: string[] | 'all';
  volumesKept: string[];
}

/** Named services are stopped and removed; the rest of the stack keeps running. Volumes are always kept. */
export function downStack(s: Session, services: string[]): Promise<DownResult> {
  return withStackLock(s, 'down', async () => {
    const args = services.length ? composeArgs.rm(services) : composeArgs.down();
    await runCompose(s, args, { profiles: allProfiles(s.manifest), what: 'down' });
    if (!s.dryRun) forgetScaled(s.deps.store, s.ref.name, services.length ? services : undefined);
    return { stack: s.ref.name, services: services.length ? services : 'all', volumesKept: s.manifest.volumes };
  });
}

/** Builds the services that have build:; returns their names (none: nothing ran). */
export async function buildStack(s: Session, o: { noCache?: boolean; terminal?: boolean }): Promise<string[]> {
  const buildable = s.manifest.services.filter((x) => x.build).map((x) => x.name);
  if (!buildable.length) return [];
  await withStackLock(s, 'build', () => runCompose(s, composeArgs.build({ noCache: o.noCache, services: buildable }), { profiles: allProfiles(s.manifest), inherit: o.terminal, what: 'build' }));
  return buildable;
}

/** Pulls the images of these services (all when none are named), except those built here, which no registry has. */
export async function pullStack(s: Session, named: string[], o: { terminal?: boolean }): Promise<string[]> {
  const pullable = s.manifest.services.filter((x) => !x.build && (!named.length || named.includes(x.name))).map((x) => x.name);
  if (pullable.length) {
    await withStackLock(s, 'pull', () => runCompose(s, composeArgs.pull(pullable), { profiles: allProfiles(s.manifest), inherit: o.terminal, what: 'pull' }));
  }
  return pullable;
}
