/** Where stacks live: $BERTH_HOME (default ~/.berth)/stacks/<name>/. */
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { STACK_NAME_RE } from '../util/names.js';

export function berthHome(env: Readonly<Record<string, string | undefined>>): string {
  return path.resolve(env.BERTH_HOME || path.join(os.homedir(), '.berth'));
}

export function stacksDir(home: string): string {
  return path.join(home, 'stacks');
}

export function validateStackName(name: string): string {
  if (!STACK_NAME_RE.test(name) || name.length > 63) {
    throw new UsageError(
      `stack name ${JSON.stringify(name)} is not valid; use up to 63 lowercase letters, digits, - and _, starting with a letter or digit (e.g. prod, gpu-1)`,
    );
  }
  return name;
}

/** The stack's directory; the name is validated, so it cannot escape BERTH_HOME. */
export function stackDir(home: string, name: string): string {
  validateStackName(name);
  const dir = path.join(stacksDir(home), name);
  if (path.dirname(dir) !== stacksDir(home)) throw new UsageError(`stack name ${JSON.stringify(name)} escapes ${stacksDir(home)}`);
  return dir;
}
