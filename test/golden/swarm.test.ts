/**
 * The Swarm golden tier: every example rendered as a Swarm stack file (as
 * berth deploy --swarm renders it, with a stand-in for the images' own start)
 * is compared with test/golden-swarm/<example>/, checked against the Compose
 * Specification schema and read back by `docker stack config` (the Docker
 * CLI's own loader and schema for stack files) where it exists, and
 * holds none of the stack's secret values.
 *
 *   UPDATE_GOLDEN=1 npx vitest run --project unit test/golden   rewrites the goldens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, UPDATE, compareGolden, listExamples, removeGolden, staleGoldens, writeGolden } from './_golden.js';
import { findTool, run } from './_tools.js';
import { composeSchemaErrors } from './_compose.js';
import { swarmExample, ENV_SECRETS } from '../swarm/_render.js';
import type { FileOut } from '../../src/model/files.js';
import type { ResolvedStack } from '../../src/model/stack.js';
import type { SwarmBundle } from '../../src/render/swarm/index.js';

const ROOT = path.join(REPO_ROOT, 'test', 'golden-swarm');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const examples = listExamples();

/** A docker CLI with `docker stack config` (Docker 23 and later; Debian's 20.10 client has none). */
async function stackConfigTool(): Promise<string | undefined> {
  for (const docker of [findTool('docker'), '/usr/local/bin/docker', '/usr/bin/docker']) {
    if (!docker || !fs.existsSync(docker)) continue;
    if ((await run(docker, ['stack', 'config', '--help'])).code === 0) return docker;
  }
  return undefined;
}

const filesOf = (b: SwarmBundle): FileOut[] => [
  { path: 'docker-stack.yaml', content: b.file },
  { path: 'objects.txt', content: b.objects.map((o) => `${o.kind} ${o.name} <- ${o.of}\n`).join('') },
  { path: 'warnings.txt', content: b.warnings.map((w) => `${w}\n`).join('') },
];

describe('swarm golden folders', () => {
  it('has an example for every golden folder', () => {
    fs.mkdirSync(ROOT, { recursive: true });
    const stale = staleGoldens(examples, ROOT);
    if (UPDATE) stale.forEach((n) => removeGolden(n, ROOT));
    else expect(stale).toEqual([]);
  });
});

describe.each(examples)('example %s on Swarm', (name) => {
  let stack: ResolvedStack;
  let bundle: SwarmBundle;

  beforeAll(async () => {
    ({ stack, bundle } = await swarmExample(name, temps));
    if (UPDATE) writeGolden(name, filesOf(bundle), ROOT);
  });

  it('renders the stack file, its objects and its warnings as in the golden copy', () => {
    const problems = compareGolden(name, filesOf(bundle), ROOT);
    if (problems.length) throw new Error(`${problems.length} file(s) differ from test/golden-swarm/${name}:\n\n${problems.join('\n\n')}\n`);
  });

  it('passes the Compose Specification schema, which describes the deploy section Swarm reads', () => {
    expect(composeSchemaErrors(parse(bundle.file))).toEqual([]);
  });

  it('is read by docker stack config, where the docker CLI has it', async (ctx) => {
    // Docker 23 and later have it; Debian's 20.10 client, which CI installs, has none (the schema check above still runs there).
    const docker = await stackConfigTool();
    if (!docker) return ctx.skip('no docker stack config here');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-swarm-'));
    temps.push(dir);
    fs.writeFileSync(path.join(dir, 'docker-stack.yaml'), bundle.file);
    const r = await run(docker, ['stack', 'config', '-c', path.join(dir, 'docker-stack.yaml')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('holds no secret value, and every secret it names is made from one', () => {
    const values = Object.values({ ...stack.secrets, ...ENV_SECRETS }).filter((v) => v.length >= 6);
    for (const v of values) expect(bundle.file).not.toContain(v);
    const doc = parse(bundle.file) as { services: Record<string, { secrets?: { source: string }[]; configs?: { source: string }[] }>; secrets?: object; configs?: object };
    const used = Object.values(doc.services).flatMap((s) => [...(s.secrets ?? []), ...(s.configs ?? [])].map((u) => u.source));
    expect([...new Set(used)].sort()).toEqual(bundle.objects.map((o) => o.name).sort());
    expect([...Object.keys(doc.secrets ?? {}), ...Object.keys(doc.configs ?? {})].sort()).toEqual(bundle.objects.map((o) => o.name).sort());
  });
});
