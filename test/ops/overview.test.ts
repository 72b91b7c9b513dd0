/**
 * Every stack at a glance, as a server lists it: the same rows and states as
 * `berth list` and `berth status` give, each stack's files read once and
 * without blocking, so other work runs while 100 stacks are read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateStack } from '../../src/ops/generate.js';
import { listStacks } from '../../src/ops/list.js';
import { stacksOverview } from '../../src/ops/overview.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { allStatus } from '../../src/ops/status.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';

const SPEC = 'services:\n  redis: {}\n  worker:\n    component: worker\n    image: x/worker:1\n    command: [work]\n';

async function stacks(n: number) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-overview-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const engine = new MemoryEngine();
  const deps = testDeps(home, { engine });
  for (let i = 0; i < n; i++) {
    const name = `s${String(i).padStart(2, '0')}`;
    await generateStack(deps, { name, ...loadSpec(deps, name, { text: SPEC, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  }
  return { home, engine, deps };
}

describe('the stacks overview', () => {
  it('says what berth list and berth status say, damaged stacks and run-time state included', async () => {
    const { home, engine, deps } = await stacks(4);
    engine.add('s00', 'redis', { health: 'healthy' });
    engine.add('s00', 'worker');
    engine.add('s01', 'redis', { health: 'unhealthy' });
    deps.store.runtime.update('s02', (r) => ({ ...r, scale: { worker: 0 } }));
    fs.writeFileSync(path.join(home, 'runtime', 's03.json'), '{"scale": "lots"}');
    fs.mkdirSync(path.join(home, 'stacks', 'bad'));
    fs.writeFileSync(path.join(home, 'stacks', 'bad', '.berth.json'), '[]');
    fs.mkdirSync(path.join(home, 'stacks', 'empty')); // no manifest: not a stack (yet)

    const o = await stacksOverview(deps);
    const rows = listStacks(deps);
    const status = new Map((await allStatus(deps)).map((s) => [s.name, s]));
    expect(o.engine).toEqual({ ok: true });
    expect(o.stacks).toEqual(rows.map((r) => {
      const s = status.get(r.name)!;
      return { ...r, state: s.state, ready: s.ready, activeServices: s.services };
    }));
    expect(o.stacks.map((s) => [s.name, s.state, s.ready, s.activeServices])).toEqual([
      ['bad', 'damaged', 0, 0],
      ['s00', 'running', 2, 2],
      ['s01', 'degraded', 0, 2],
      ['s02', 'stopped', 0, 2],
      ['s03', 'damaged', 0, 0],
    ]);
    // A damaged run-time state still lists the stack's services; a damaged manifest says why.
    expect(o.stacks[4]).toMatchObject({ services: ['redis', 'worker'], updated: expect.stringMatching(/^\d{4}-/) });
    expect(o.stacks[0]!.damaged).toContain('.berth.json: damaged');
    expect(deps.events.filter((e) => e.type === 'warning').length).toBeGreaterThan(0);
  });

  it('reads the stacks a few at a time, letting other work run in between', async () => {
    const { deps } = await stacks(20);
    let turns = 0;
    let looking = true;
    const turn = () => {
      turns++;
      if (looking) setImmediate(turn);
    };
    setImmediate(turn);
    const o = await stacksOverview(deps);
    looking = false;
    expect(o.stacks).toHaveLength(20);
    // At least one turn of the event loop for each batch of 8 stacks read.
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
