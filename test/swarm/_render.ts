/**
 * An example stack generated as the golden tier does (deterministic secrets,
 * a fake certificate, no host probes), resolved back from its stored copy as
 * berth deploy resolves it, and rendered for Swarm.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateStack } from '../../src/ops/generate.js';
import { resolveStored } from '../../src/ops/export.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import type { ResolvedStack } from '../../src/model/stack.js';
import { renderSwarm, type SwarmBundle, type SwarmOptions } from '../../src/render/swarm/index.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { EXAMPLES_ROOT } from '../golden/_golden.js';
import { tempDir } from '../kubernetes/_export.js';

/**
 * What the test stands in for the images' own start, which berth deploy
 * reads from each image on the manager: an entrypoint and command that say
 * which image they belong to, so the goldens show where they go.
 */
export const imageStart: SwarmOptions['imageStart'] = (ref) => ({ entrypoint: ['/image-entrypoint'], cmd: [`start-${ref.split('/').pop()!.split(':')[0]}`] });

/** Values the examples read from berth's environment (secretsFromEnv), as a deploy would find them there. */
export const ENV_SECRETS = { DB_PASSWORD: 'from-the-environment-1', JWT_SECRET: 'from-the-environment-2' };

export async function swarmExample(name: string, temps: string[], o: Partial<SwarmOptions> = {}): Promise<{ stack: ResolvedStack; bundle: SwarmBundle }> {
  const specDir = path.join(EXAMPLES_ROOT, name);
  const specText = fs.readFileSync(path.join(specDir, 'stack.yaml'), 'utf8');
  const deps = testDeps(tempDir('berth-swarm-home-', temps));
  await generateStack(deps, { name, spec: parseSpecText(specText), specText, specDir, random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  const stack = resolveStored(deps, { name, random: countingSecrets() });
  return { stack, bundle: renderSwarm(stack, { network: 'host', imageStart, secretsFromEnv: ENV_SECRETS, ...o }) };
}
