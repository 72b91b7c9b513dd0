/**
 * Run-time state a stack's files do not hold: replicas set by `berth scale`,
 * which last until the next `up` or `down` (Compose resets them to the file's).
 * Kept in $BERTH_HOME/runtime/<stack>.json, so status can tell a service
 * scaled to 0 from one that is down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateStackName } from './home.js';

function file(home: string, name: string): string {
  return path.join(home, 'runtime', `${validateStackName(name)}.json`);
}

/** service -> replicas set at run time. */
export function readScaled(home: string, name: string): Record<string, number> {
  try {
    const data = JSON.parse(fs.readFileSync(file(home, name), 'utf8')) as { scale?: Record<string, number> };
    return data.scale ?? {};
  } catch {
    return {};
  }
}

export function recordScaled(home: string, name: string, scale: Record<string, number>): void {
  const f = file(home, name);
  fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
  // Written beside, then renamed: a reader never sees half a file.
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ scale: { ...readScaled(home, name), ...scale } }) + '\n');
  fs.renameSync(tmp, f);
}

/** up and down put services back to their file's replicas: forget those (all when none are named). */
export function forgetScaled(home: string, name: string, services?: string[]): void {
  const f = file(home, name);
  if (!services) return fs.rmSync(f, { force: true });
  const kept = Object.fromEntries(Object.entries(readScaled(home, name)).filter(([k]) => !services.includes(k)));
  fs.rmSync(f, { force: true });
  if (Object.keys(kept).length) recordScaled(home, name, kept);
}
