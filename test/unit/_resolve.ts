/** Shared by the resolve tests: stack.yaml text -> ResolvedStack with deterministic secrets and no host probes. */
import { parseSpecText } from '../../src/resolve/spec.js';
import { resolveStack, type ResolveInput } from '../../src/resolve/index.js';
import type { ResolvedStack } from '../../src/model/stack.js';
import type { Service } from '../../src/model/service.js';
import { countingSecrets } from '../helpers/fakes.js';
import type { Text } from '../../src/model/text.js';
import { writeInterpolated } from '../../src/spec/interpolation.js';

/** A Text as stack.yaml (and Compose) write it: references as ${NAME}. */
export const written = (t: Text | undefined): string | undefined => (t === undefined ? undefined : writeInterpolated(t));

/** A service's env as stack.yaml (and Compose) write it. */
export function writtenEnv(s: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(s.environment).map(([k, t]) => [k, writeInterpolated(t)]));
}

export function resolveYaml(text: string, opts: Partial<Omit<ResolveInput, 'spec'>> = {}): ResolvedStack {
  return resolveStack({
    name: 'test',
    specDir: '/tmp/spec',
    random: countingSecrets(),
    hostMemoryMiB: 1024 * 1024,
    ...opts,
    spec: parseSpecText(text),
  });
}

export function svc(stack: ResolvedStack, name: string): Service {
  const s = stack.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name} in ${stack.services.map((x) => x.name).join(', ')}`);
  return s;
}

/** The message of the error `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): { message: string; exitCode?: number; details?: string } {
  try {
    fn();
  } catch (e) {
    return e as { message: string; exitCode?: number; details?: string };
  }
  throw new Error('expected an error, got none');
}
