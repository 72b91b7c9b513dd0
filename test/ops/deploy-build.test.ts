/**
 * deploy of a service that builds its image (build:), against nodes faked at
 * the runner: the image is built here before any node is reached, named for
 * the release, sent to the node whatever --ship-images says, and the node's
 * bundle names it instead of the build; a failed build reaches no node.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Command, RunResult } from '../../src/engine/runner.js';
import { generateStack } from '../../src/ops/generate.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { deployStack } from '../../src/ops/deploy.js';
import { listReleases } from '../../src/ops/releases.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { FakeNode, fakeNodes } from '../helpers/fake-nodes.js';

const ID = `sha256:${'4d2f9a01c3be'.padEnd(64, '0')}`;

const spec = (vars = '') => `nodes:
  core: {host: "ssh://deploy@core.example"}
${vars}services:
  db: {component: postgres, node: core}
  api: {component: app, node: core, build: ./api, port: 8000, health: /health, uses: [db]}
`;

/** This machine's engine: Compose builds (or fails with `buildError`), the image is there under any name asked. */
function localEngine(buildError?: string) {
  return (cmd: Command): Partial<RunResult> | undefined => {
    if (cmd.argv.includes('build')) return buildError ? { code: 1, stderr: `Step 2/2 : RUN false\n${buildError}\n` } : {};
    if (cmd.argv[0] === 'sh' && cmd.argv[2]?.includes('docker image inspect')) return { stdout: cmd.argv.slice(4).map(() => ID).join('\n') + '\n' };
    return undefined;
  };
}

async function setup(yaml: string, local = localEngine()) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-deploy-build-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.mkdirSync(path.join(home, 'api'));
  fs.writeFileSync(path.join(home, 'api', 'Dockerfile'), 'FROM scratch\n');
  const core = new FakeNode('/home/deploy');
  const { runner, connect } = fakeNodes({ 'deploy@core.example': core }, local);
  const deps = Object.assign(testDeps(home, { runner, env: { USER: 'ci' } }), { connect });
  await generateStack(deps, { name: 'shop', ...loadSpec(deps, 'shop', { text: yaml, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  return { home, deps, runner, core };
}

describe('deploy of a service that builds its image', () => {
  it('builds it here before reaching the node, names it for the release and sends it; the node\'s bundle names that image, not the build', async () => {
    const { home, deps, runner, core } = await setup(spec());
    const r = await deployStack(deps, 'shop', { timeoutMs: 5000 });
    expect(r.result).toBe('healthy');
    const argv = runner.commands.map((c) => c.argv);
    const build = argv.findIndex((a) => a.includes('build'));
    expect(argv[build]).toEqual(['docker', 'compose', '--project-name', 'shop-core', '--project-directory', path.join(home, 'stacks', 'shop', 'nodes', 'core'), '--file', path.join(home, 'stacks', 'shop', 'nodes', 'core', 'docker-compose.yaml'), 'build', 'api']);
    expect(argv.findIndex((a) => a[0] === 'ssh')).toBeGreaterThan(build);
    expect(argv).toContainEqual(['docker', 'tag', ID, 'shop-api:id-4d2f9a01c3be']);
    const dir = '/home/deploy/.berth/releases/shop/core/1';
    const file = core.files.get(`${dir}/docker-compose.yaml`)!;
    expect(parseYaml(file).services.api).toMatchObject({ image: 'shop-api:id-4d2f9a01c3be' });
    expect(parseYaml(file).services.api.build).toBeUndefined();
    // Nothing in the node's files names a path of this machine.
    for (const [f, text] of core.files) if (f.startsWith(dir)) expect(text, f).not.toContain(home);
    expect(JSON.parse(core.files.get(`${dir}/.berth.json`)!).services.find((s: { name: string }) => s.name === 'api')).toMatchObject({ build: false, image: 'shop-api:id-4d2f9a01c3be' });
    // No registry has it: it is not pulled there, but sent (tagged there, since the fake node has every image).
    expect(runner.commands.map((c) => c.argv.at(-1))).toContainEqual(expect.stringMatching(/docker-compose .* pull db$/));
    expect(runner.commands.map((c) => c.argv.at(-1))).toContainEqual(expect.stringMatching(/^exec docker tag sha256:.* shop-api:id-4d2f9a01c3be$/));
    const images = listReleases(deps, 'shop').releases[0]!.nodes.core!.images;
    expect(images.find((i) => i.service === 'api')).toMatchObject({ ref: 'shop-api:id-4d2f9a01c3be', built: true });
    expect(images.find((i) => i.service === 'db')!.built).toBeUndefined();
    expect(listReleases(deps, 'shop').releases[0]!.nodes.core!.files.find((f) => f.path === 'docker-compose.yaml')!.content).toContain('image: shop-api:id-4d2f9a01c3be');
  });

  it('with --tag names the image <repository>:<tag>, also in a stack without IMAGE_TAG', async () => {
    const { deps, runner, core } = await setup(spec());
    await deployStack(deps, 'shop', { timeoutMs: 5000, tag: 'v1.2' });
    expect(runner.commands.map((c) => c.argv)).toContainEqual(['docker', 'tag', ID, 'shop-api:v1.2']);
    expect(parseYaml(core.files.get('/home/deploy/.berth/releases/shop/core/1/docker-compose.yaml')!).services.api.image).toBe('shop-api:v1.2');
    const before = runner.commands.length;
    await expect(deployStack(deps, 'shop', { timeoutMs: 5000, tag: '-v2' })).rejects.toThrow('--tag: "-v2" cannot name the images this deploy builds');
    expect(runner.commands.slice(before).filter((c) => c.argv.includes('build') || c.argv[0] === 'ssh')).toEqual([]);
  });

  it('with IMAGE_TAG in the image, --tag git builds <repository>:sha-<7> and sets IMAGE_TAG', async () => {
    const yaml = spec('vars: {IMAGE_TAG: dev}\n').replace('build: ./api,', 'build: ./api, image: "acme/api:${IMAGE_TAG}",');
    const { deps, runner } = await setup(yaml, (cmd) => (cmd.argv[0] === 'git' ? { stdout: '1a2b3c4\n' } : localEngine()(cmd)));
    const r = await deployStack(deps, 'shop', { timeoutMs: 5000, tag: 'git' });
    expect(r.vars).toEqual({ IMAGE_TAG: 'sha-1a2b3c4' });
    const build = runner.commands.find((c) => c.argv.includes('build'))!;
    expect(build.env).toEqual({ IMAGE_TAG: 'sha-1a2b3c4' });
    expect(runner.commands.map((c) => c.argv)).toContainEqual(['docker', 'tag', ID, 'acme/api:sha-1a2b3c4']);
  });

  it('without --tag, builds from a clean git checkout are named for its commit; uncommitted changes name them by id, and say so', async () => {
    const git = (dirty: string) => (cmd: Command) => (cmd.argv[0] !== 'git' ? localEngine()(cmd) : { stdout: cmd.argv.includes('status') ? dirty : '1a2b3c4\n' });
    const clean = await setup(spec(), git(''));
    const r = await deployStack(clean.deps, 'shop', { timeoutMs: 5000 });
    expect(r.vars).toEqual({});
    expect(clean.runner.commands.map((c) => c.argv)).toContainEqual(['docker', 'tag', ID, 'shop-api:sha-1a2b3c4']);
    const dirty = await setup(spec(), git(' M api/Dockerfile\n'));
    const notes: string[] = [];
    await deployStack({ ...dirty.deps, onEvent: (e) => void (e.type === 'note' && notes.push(e.message)) }, 'shop', { timeoutMs: 5000 });
    expect(dirty.runner.commands.map((c) => c.argv)).toContainEqual(['docker', 'tag', ID, 'shop-api:id-4d2f9a01c3be']);
    expect(notes.some((n) => n.endsWith('has uncommitted changes: the images this deploy builds are named by their id, not sha-1a2b3c4'))).toBe(true);
  });

  it('a failed build stops the deploy with the build\'s own words before any node is reached', async () => {
    const { deps, runner, core } = await setup(spec(), localEngine("The command '/bin/sh -c false' returned a non-zero code: 1\nERROR: Service 'api' failed to build : Build failed"));
    const failed = deployStack(deps, 'shop', { timeoutMs: 5000 });
    await expect(failed).rejects.toThrow(
      "node core: building api here failed: The command '/bin/sh -c false' returned a non-zero code: 1; the deploy stopped before touching any node",
    );
    await expect(failed).rejects.toMatchObject({ code: 'engine_failed', path: 'services.api.build', details: expect.stringContaining('Step 2/2 : RUN false') });
    expect(runner.commands.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
    expect(core.files.size).toBe(0);
    expect(listReleases(deps, 'shop').releases).toEqual([]);
  });
});
