/**
 * How a service whose env or command refers to a secret starts under Swarm.
 * Swarm hands secrets to a container as files (/run/secrets/NAME), never as
 * env, so such a service starts through `/bin/sh -c SCRIPT`: the script
 * exports each env entry that needs a secret, read from its file, then execs
 * what the service runs (its entrypoint and command, or the image's own,
 * which the caller read from the image). The values are in no file berth
 * writes and in no service definition: only the script that reads them is.
 */
import { UsageError } from '../../errors.js';
import type { Service } from '../../model/service.js';
import type { Text } from '../../model/text.js';
import { refersToSecret, shellQuoted } from './text.js';

/** An image's own start (its Config.Entrypoint and Config.Cmd). */
export interface ImageStart {
  entrypoint: string[];
  cmd: string[];
}

/** Whether the service must start through the script. */
export function needsStart(s: Service): boolean {
  return Object.values(s.environment).some(refersToSecret) || [...(s.entrypoint ?? []), ...(s.command ?? [])].some(refersToSecret);
}

/** What the container would run: Docker's rule (an entrypoint given drops the image's command). */
function argvOf(s: Service, image: ImageStart | undefined, where: string): Text[] {
  if (s.entrypoint) return [...s.entrypoint, ...(s.command ?? [])];
  if (!image) throw new UsageError(`${where}: reads secrets at start, so berth must know its image's entrypoint and command; make the image available to the Swarm manager (or give entrypoint: and command:)`);
  return [...image.entrypoint, ...(s.command ?? image.cmd)];
}

/** The entrypoint that exports the secret-bearing env and execs the service's own start; `plainEnv` is what stays in environment:. */
export function startScript(s: Service, vars: Readonly<Record<string, string>>, image: ImageStart | undefined): { entrypoint: string[]; secretEnv: string[] } {
  const where = `services.${s.origin.spec}`;
  const secretEnv = Object.keys(s.environment).filter((k) => refersToSecret(s.environment[k]!)).sort();
  const argv = argvOf(s, image, where);
  if (!argv.length) throw new UsageError(`${where}: its image names nothing to run; give it command:`);
  const lines = [
    'set -e',
    ...secretEnv.map((k) => `export ${k}=${shellQuoted(s.environment[k]!, vars, `${where}.env.${k}`)}`),
    `exec ${argv.map((a) => shellQuoted(a, vars, `${where}.command`)).join(' ')}`,
  ];
  return { entrypoint: ['/bin/sh', '-c', lines.join('\n')], secretEnv };
}
