/** berth's own image: what its build context holds, and that a stack running it gets it built when it cannot be pulled. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runtimePackages, stageImageContext } from '../../src/host/berth-package.js';
import { buildBerthImage, ensureBerthImage } from '../../src/ops/image.js';
import { openStack } from '../../src/ops/session.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { generateStack } from '../../src/ops/generate.js';
import { RecordingRunner } from '../../src/engine/runner.js';
import { BERTH_IMAGE } from '../../src/catalog/_berth.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-image-test-'));
  onTestFinished(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A small installed package: a native addon with a dependency, and a package the bundle does not need. */
function fakeInstall(): string {
  const root = tmp();
  const write = (rel: string, text = '') => (fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }), fs.writeFileSync(path.join(root, rel), text));
  write('package.json', JSON.stringify({ name: 'berth', berth: { external: ['addon', 'missing-optional'] } }));
  write('Dockerfile', 'FROM x\n');
  write('bin/berth.js', '#!/usr/bin/env node\n');
  write('dist/bin.js', '');
  write('node_modules/addon/package.json', JSON.stringify({ name: 'addon', dependencies: { helper: '1' }, optionalDependencies: { absent: '1' } }));
  write('node_modules/addon/binding.gyp', '{}');
  write('node_modules/addon/build/Release/addon.node', 'ELF');
  write('node_modules/addon/build/Release/obj.target/x.o', 'obj');
  write('node_modules/addon/deps/sqlite3.c', 'c');
  write('node_modules/addon/lib/index.js', '');
  write('node_modules/helper/package.json', JSON.stringify({ name: 'helper' }));
  write('node_modules/devonly/package.json', JSON.stringify({ name: 'devonly' }));
  return root;
}

describe("berth's image", () => {
  it('takes the bundle, its external packages and what they require, without build leftovers or dev packages', () => {
    const root = fakeInstall();
    expect(runtimePackages(root)).toEqual(['node_modules/addon', 'node_modules/helper']);
    const ctx = tmp();
    stageImageContext(root, ctx);
    const files = (fs.readdirSync(ctx, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => fs.statSync(path.join(ctx, f)).isFile()).sort();
    expect(files).toEqual([
      'Dockerfile', 'bin/berth.js', 'dist/bin.js',
      'node_modules/addon/binding.gyp', 'node_modules/addon/build/Release/addon.node', 'node_modules/addon/lib/index.js', 'node_modules/addon/package.json',
      'node_modules/helper/package.json', 'package.json',
    ]);
  });

  it('is built with the classic builder on the Node base BERTH_NODE_IMAGE names', async () => {
    const runner = new RecordingRunner();
    const deps = testDeps(tmp(), { runner, env: { BERTH_NODE_IMAGE: 'local/node:20' } });
    const r = await buildBerthImage(deps, { packageDir: fakeInstall() });
    expect(r).toMatchObject({ tag: BERTH_IMAGE, base: 'local/node:20' });
    expect(runner.commands[0]!.argv.slice(0, 6)).toEqual(['docker', 'build', '--build-arg', 'NODE_IMAGE=local/node:20', '--tag', BERTH_IMAGE]);
    expect(runner.commands[0]!.env).toEqual({ DOCKER_BUILDKIT: '0' });
  });

  it('a stack with the dashboard gets it built when it cannot be pulled, and is told so; one that has it is left alone', async () => {
    const home = tmp();
    const engine = new MemoryEngine();
    const runner = new RecordingRunner();
    const deps = testDeps(home, { engine, runner });
    const loaded = loadSpec(deps, 'ctl', { text: 'services:\n  web: {}\n', dir: home });
    await generateStack(deps, { name: 'ctl', ...loaded, random: countingSecrets(), makeCert: fakeCert, probeHost: false });
    await ensureBerthImage(openStack(deps, 'ctl'));
    expect(deps.events).toContainEqual({ type: 'warning', message: `${BERTH_IMAGE} cannot be pulled (pull access denied for ${BERTH_IMAGE}); building it from this installation of berth` });
    expect(runner.commands.map((c) => c.argv.slice(0, 2))).toEqual([['docker', 'build']]);
    engine.images.push(BERTH_IMAGE);
    await ensureBerthImage(openStack(deps, 'ctl'));
    expect(runner.commands).toHaveLength(1);
  });
});
