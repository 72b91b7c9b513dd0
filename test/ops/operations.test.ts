/**
 * The operations called directly, as any front end calls them: injected
 * dependencies (a recording runner, an in-memory engine, a private home),
 * data returned, events reported, nothing printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RecordingRunner, type Command } from '../../src/engine/runner.js';
import { generateStack } from '../../src/ops/generate.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { openStack } from '../../src/ops/session.js';
import { upStack } from '../../src/ops/up.js';
import { downStack } from '../../src/ops/lifecycle.js';
import { planTeardown } from '../../src/ops/teardown.js';
import { stackStatus, allStatus } from '../../src/ops/status.js';
import { listStacks } from '../../src/ops/list.js';
import { execInService } from '../../src/ops/exec.js';
import { parseScale } from '../../src/ops/scale.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';

const SPEC = `services:
  postgres: {}
  redis: {}
  api:
    component: app
    image: x/api:1
    health: /health
  migrate:
    component: job
    app: api
    command: [migrate]
`;

const v2 = (c: Command) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 0, stdout: '2.29.1\n' } : undefined);

async function stack(yaml = SPEC) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ops-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const engine = new MemoryEngine();
  const runner = new RecordingRunner(v2);
  const deps = testDeps(home, { engine, runner });
  const loaded = loadSpec(deps, 'prod', { text: yaml, dir: home });
  await generateStack(deps, { name: 'prod', ...loaded, random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  return { home, engine, runner, deps };
}

const work = (r: RecordingRunner) => r.commands.filter((c) => !c.argv.includes('version')).map((c) => c.argv.slice(c.argv.indexOf('--file') + 2));

describe('operations', () => {
  it('up in a dry run reports its commands and the start order as events, and writes nothing', async () => {
    const { home, deps, runner } = await stack();
    const r = await upStack(openStack(deps, 'prod', { dryRun: true }), { wait: true, timeoutMs: 1000 });
    expect(r.order).toEqual([['postgres', 'redis'], ['migrate'], ['api']]);
    expect(deps.events.filter((e) => e.type === 'command').map((e) => (e as { line: string }).line.replace(/^.* --file \S+ /, '').replace(/\)$/, ''))).toEqual([
      'up --no-start --remove-orphans --no-deps postgres redis',
      'up --no-start --no-deps migrate',
      'up --no-start --no-deps api',
    ]);
    expect(deps.events.at(-1)).toEqual({ type: 'note', message: 'then berth starts, each group once the one before is ready: postgres redis -> migrate -> api' });
    expect(work(runner)).toEqual([]);
    expect(fs.existsSync(path.join(home, 'runtime'))).toBe(false);
    expect(fs.readdirSync(path.join(home, 'locks'))).toEqual([]);
  });

  it('up starts the datastores, then the job, then the app, and returns the views', async () => {
    const { deps, engine, runner } = await stack();
    for (const svc of ['postgres', 'redis', 'migrate', 'api']) engine.add('prod', svc, { state: 'created' });
    engine.startContainer = ((orig) => async (id: string) => {
      await orig(id);
      const c = engine.containers.find((x) => x.Id === id)!;
      if (id.startsWith('prod-migrate')) Object.assign(c, { State: 'exited', Status: 'Exited (0) 1 second ago' }), (engine.finishedAt[id] = new Date().toISOString());
      else c.Status = 'Up 1 second (healthy)';
    })(engine.startContainer.bind(engine));
    const r = await upStack(openStack(deps, 'prod'), { wait: true, timeoutMs: 5000 });
    expect(Object.fromEntries(r.views.map((v) => [v.name, v.state]))).toEqual({ api: 'healthy', migrate: 'completed', postgres: 'healthy', redis: 'healthy' });
    expect(engine.started.map((id) => id.split('-')[1])).toEqual(['postgres', 'redis', 'migrate', 'api']);
    expect(work(runner).length).toBe(3);
  });

  it('down of some services removes just those; status and list answer with data', async () => {
    const { deps, engine, runner } = await stack();
    engine.add('prod', 'redis', { health: 'healthy', ports: [] });
    const down = await downStack(openStack(deps, 'prod'), ['redis']);
    expect(down).toEqual({ stack: 'prod', services: ['redis'], volumesKept: ['postgres-data', 'redis-data'] });
    expect(work(runner)).toEqual([['rm', '--stop', '--force', 'redis']]);
    const st = await stackStatus(deps, 'prod');
    expect(st).toMatchObject({ stack: 'prod', profiles: [], vars: {}, ready: false });
    expect(st.services.find((v) => v.name === 'redis')?.state).toBe('healthy');
    expect((await allStatus(deps))[0]).toMatchObject({ name: 'prod', state: 'degraded', ready: 1, services: 4 });
    expect(listStacks(deps).map((r) => r.name)).toEqual(['prod']);
  });

  it('a teardown plan names what it would delete, and deletes only the stack\'s own volumes', async () => {
    const { deps, engine } = await stack();
    const own = { 'com.docker.compose.project': 'prod', 'dev.berth.stack': 'prod' };
    engine.volumes.push({ name: 'prod_postgres-data', labels: own }, { name: 'prod-foreign', labels: { 'com.docker.compose.project': 'prod' } });
    const plan = await planTeardown(deps, 'prod', { volumes: true, files: true, dryRun: false });
    expect(plan.what).toBe('the volumes of stack prod (prod_postgres-data) and its files');
    const r = await plan.run();
    expect(r).toMatchObject({ volumesDeleted: ['prod_postgres-data'], filesRemoved: true });
    expect(engine.volumes.map((v) => v.name)).toEqual(['prod-foreign']);
  });

  it('exec captures a command\'s output and exit code; scale pairs are checked against the stack', async () => {
    const { deps, engine } = await stack();
    engine.add('prod', 'redis');
    const runner = new RecordingRunner((c) => (c.argv.includes('exec') ? { code: 3, stdout: 'out', stderr: 'err' } : v2(c)));
    const s = openStack({ ...deps, runner }, 'prod');
    expect(await execInService(s, { service: 'redis', argv: ['false'], capture: true })).toEqual({ argv: ['false'], exitCode: 3, stdout: 'out', stderr: 'err' });
    await expect(execInService(s, { service: 'api', argv: ['true'], capture: true })).rejects.toThrow('api of stack prod is not running; start it with berth up prod api');
    expect(parseScale(s, ['redis=2'])).toEqual({ redis: 2 });
    expect(() => parseScale(s, ['migrate=2'])).toThrow('scale: migrate is a one-shot job; only long-running services scale');
  });

  it('list reports a damaged stack as an event and a row, never hiding the others', async () => {
    const { home, deps } = await stack();
    fs.mkdirSync(path.join(home, 'stacks', 'bad'));
    fs.writeFileSync(path.join(home, 'stacks', 'bad', '.berth.json'), '[]');
    const rows = listStacks(deps);
    expect(rows.map((r) => [r.name, !!r.damaged])).toEqual([['bad', true], ['prod', false]]);
    expect(deps.events).toContainEqual({ type: 'warning', message: expect.stringContaining('.berth.json: damaged (expected an object, got a list)') });
  });
});
