/**
 * The operations a control plane calls: every stack at a glance (also when
 * the engine does not answer), one stack in full, lifecycle actions checked
 * before they are queued and run later, and the certificate a server keeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RecordingRunner, type Command } from '../../src/engine/runner.js';
import { BerthError } from '../../src/errors.js';
import { generateStack } from '../../src/ops/generate.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { stackOverview, stacksOverview } from '../../src/ops/overview.js';
import { checkAction, runAction } from '../../src/ops/actions.js';
import { serviceRows } from '../../src/ops/service-rows.js';
import { keptServerCert, selfSignedCert } from '../../src/ops/tls.js';
import { MemoryEngine } from '../helpers/engine.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';

const SPEC = 'services:\n  redis: {}\n  worker:\n    component: worker\n    image: x/worker:1\n    command: [work]\n';
const v2 = (c: Command) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 0, stdout: '2.29.1\n' } : undefined);

async function stack() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ops-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const engine = new MemoryEngine();
  const runner = new RecordingRunner(v2);
  const deps = testDeps(home, { engine, runner });
  await generateStack(deps, { name: 'prod', ...loadSpec(deps, 'prod', { text: SPEC, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  return { home, engine, runner, deps };
}

const work = (r: RecordingRunner) => r.commands.filter((c) => !c.argv.includes('version')).map((c) => c.argv.slice(c.argv.indexOf('--file') + 2));

describe('control-plane operations', () => {
  it('the overview lists every stack with its state, and damaged ones as such', async () => {
    const { home, deps, engine } = await stack();
    engine.add('prod', 'redis', { health: 'healthy' });
    fs.mkdirSync(path.join(home, 'stacks', 'bad'));
    fs.writeFileSync(path.join(home, 'stacks', 'bad', '.berth.json'), '[]');
    const o = await stacksOverview(deps);
    expect(o.engine).toEqual({ ok: true });
    expect(o.stacks.map((s) => [s.name, s.state, s.ready, s.activeServices])).toEqual([['bad', 'damaged', 0, 0], ['prod', 'degraded', 1, 2]]);
    expect(o.stacks[1]).toMatchObject({ services: ['redis', 'worker'], profiles: [] });
  });

  it('the overview still lists the stacks when the engine does not answer', async () => {
    const { deps, engine } = await stack();
    engine.listContainers = async () => {
      throw new BerthError('cannot reach the Docker engine at memory://', { code: 'engine_unreachable' });
    };
    const o = await stacksOverview(deps);
    expect(o.engine).toEqual({ ok: false, code: 'engine_unreachable', message: 'cannot reach the Docker engine at memory://' });
    expect(o.stacks.map((s) => [s.name, s.state])).toEqual([['prod', 'unknown']]);
    engine.listContainers = async () => {
      throw new Error('a bug');
    };
    await expect(stacksOverview(deps)).rejects.toThrow('a bug');
  });

  it('one stack in full: its parts, secret names but no values, and its services as they run', async () => {
    const { deps, engine } = await stack();
    engine.add('prod', 'redis', { health: 'healthy' });
    const o = await stackOverview(deps, 'prod');
    expect(o.details.envNames).toContain('REDIS_PASSWORD');
    expect(JSON.stringify(o)).not.toContain('test-password');
    expect(o.status.services.map((v) => [v.name, v.state])).toEqual([['redis', 'healthy'], ['worker', 'down']]);
    await expect(stackOverview(deps, 'nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(stackOverview(deps, '../x')).rejects.toMatchObject({ code: 'usage' });
  });

  it('sums each service of a stack into one row: replicas, state, health, ports, restarts, image', async () => {
    const { deps, engine } = await stack();
    engine.add('prod', 'worker', { number: 1, ports: [5000] });
    engine.add('prod', 'worker', { number: 2, ports: [5000] });
    engine.add('prod', 'redis', { health: 'healthy', ports: [6379] });
    const rows = serviceRows((await stackOverview(deps, 'prod')).status);
    expect(rows).toEqual([
      { name: 'redis', replicas: 1, state: 'healthy', health: ['healthy'], ports: ['6379->6379/tcp'], restarts: 0, image: 'redis:test' },
      { name: 'worker', replicas: 2, state: 'running', health: [], ports: ['5000->5000/tcp'], restarts: 0, image: 'worker:test' },
    ]);
    engine.containers = [];
    expect(serviceRows((await stackOverview(deps, 'prod')).status).map((r) => [r.name, r.replicas, r.state, r.health, r.image])).toEqual([
      ['redis', 0, 'down', [], expect.stringMatching(/redis/)],
      ['worker', 0, 'down', [], 'x/worker:1'],
    ]);
  });

  it('an action is checked before it is queued: stack, services and scale', async () => {
    const { deps } = await stack();
    expect(checkAction(deps, 'prod', { action: 'down', services: ['redis'] })).toEqual({ action: 'down', services: ['redis'] });
    expect(checkAction(deps, 'prod', { action: 'scale', replicas: { worker: 3 } })).toEqual({ action: 'scale', replicas: { worker: 3 } });
    expect(() => checkAction(deps, 'nope', { action: 'up' })).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => checkAction(deps, 'Bad Name', { action: 'up' })).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(() => checkAction(deps, 'prod', { action: 'restart', services: ['nope'] })).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('has no service nope') }));
    expect(() => checkAction(deps, 'prod', { action: 'scale', replicas: { 'no such': 2 } })).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(() => checkAction(deps, 'prod', { action: 'scale', replicas: {} })).toThrow(/at least one service=count/);
  });

  it('actions run through the same operations as the CLI and return data', async () => {
    const { deps, engine, runner } = await stack();
    for (const svc of ['redis', 'worker']) engine.add('prod', svc, { state: 'created' });
    engine.startContainer = ((orig) => async (id: string) => {
      await orig(id);
      engine.containers.find((x) => x.Id === id)!.Status = 'Up 1 second (healthy)';
    })(engine.startContainer.bind(engine));
    const updates: string[][] = [];
    const up = await runAction(deps, 'prod', { action: 'up', timeoutMs: 5000 }, { onUpdate: (v) => updates.push(v.map((x) => `${x.name}:${x.state}`)) });
    expect(up).toMatchObject({ stack: 'prod', ready: true, services: [{ name: 'redis', state: 'healthy' }, { name: 'worker', state: 'healthy' }] });
    expect(updates.at(-1)).toEqual(['redis:healthy', 'worker:healthy']);
    runner.commands.length = 0;
    expect(await runAction(deps, 'prod', { action: 'down' })).toEqual({ stack: 'prod', down: true, volumesKept: ['redis-data'] });
    expect(work(runner)).toEqual([['down', '--remove-orphans']]);
  });

  it('a server certificate is kept across starts, and remade for other names or near expiry', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-')), 'tls');
    onTestFinished(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    const first = await keptServerCert(dir, ['localhost', '127.0.0.1']);
    expect(first.made).toBe(true);
    expect(fs.statSync(first.keyFile).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(first.cert).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    const again = await keptServerCert(dir, ['127.0.0.1', 'localhost']);
    expect(again).toMatchObject({ made: false, cert: first.cert, key: first.key });
    expect((await keptServerCert(dir, ['localhost', '127.0.0.1', 'berth.lan'])).made).toBe(true);
    // One that expires within 30 days is remade.
    const soon = async (hosts: string[]) => {
      const mod = (await import('selfsigned')) as unknown as { generate: (a: unknown, o: unknown) => Promise<{ cert: string; private: string }> };
      const notAfterDate = new Date(Date.now() + 10 * 24 * 3600 * 1000);
      const p = await mod.generate([{ name: 'commonName', value: hosts[0] }], { keyType: 'ec', curve: 'P-256', notBeforeDate: new Date(), notAfterDate, extensions: [{ name: 'subjectAltName', altNames: hosts.map((h) => ({ type: 2, value: h })) }] });
      return { cert: p.cert, key: p.private };
    };
    const short = path.join(path.dirname(dir), 'short');
    expect((await keptServerCert(short, ['localhost'], soon)).made).toBe(true);
    const next = await keptServerCert(short, ['localhost'], selfSignedCert);
    expect(next.made).toBe(true);
    expect(Date.parse(new X509Certificate(next.cert).validTo)).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);
  });
});
