/** Scenario 5: a worker scale profile and berth scale change how many workers run. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort } from './harness.js';

const engine = inject('engine');

describe.skipIf(!engine)('profiles and scaling', () => {
  let sb: Sandbox;
  let name: string;
  let spec: string;
  let base: number;
  beforeAll(async () => {
    sb = new Sandbox();
    name = sb.name('scale');
    base = await freePort();
    spec = `
services:
  redis: {}
  api:
    component: app
    image: berth-test/app:latest
    health: /health
  worker:
    component: worker
    app: api
    command: [test-app]
    health: /health
  backtest:
    component: worker
    app: api
    command: [test-app]
    scale: 3
    port: ${base}
    health: /health
    env:
      PORT: "{{port}}"
      WORKER_PUBLIC_BASE_URL: "http://workers.local:{{port}}"
`;
    await sb.generate(name, spec);
  });
  afterAll(async () => sb?.cleanup());

  const backtests = async () => (await Promise.all([1, 2, 3].map((i) => sb.running(name, `backtest-${i}`)))).reduce((a, b) => a + b, 0);

  it('runs one scale instance by default and three under --profile scale-3, on sequential ports', async () => {
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect(await backtests()).toBe(1);
    await sb.generate(name, spec, ['--profile', 'scale-3']);
    const env = (await import('node:fs')).readFileSync(`${sb.home}/stacks/${name}/.env`, 'utf8');
    expect(env).toMatch(/^COMPOSE_PROFILES=scale-3$/m);
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect(await backtests()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`http://127.0.0.1:${base + i}/health`);
      expect(r.status).toBe(200);
    }
    const url = await sb.berth(['exec', name, 'backtest-3', '--', 'sh', '-c', 'echo $WORKER_PUBLIC_BASE_URL']);
    expect(url.stdout.trim()).toBe(`http://workers.local:${base + 2}`);
  });

  it('berth scale changes the number of running replicas', async () => {
    expect(await sb.running(name, 'worker')).toBe(1);
    const up = await sb.berth(['scale', name, 'worker=3']);
    expect(up.code).toBe(0);
    expect(await sb.running(name, 'worker')).toBe(3);
    const status = JSON.parse((await sb.berth(['status', name, '--json'])).stdout);
    const worker = status.services.find((s: { name: string }) => s.name === 'worker');
    expect(worker.state).toBe('healthy');
    expect(worker.containers).toHaveLength(3);
    // Scaled to 0: nothing to wait for, and status calls it stopped, not down.
    const zero = await sb.berth(['scale', name, 'worker=0', '--timeout', '60']);
    expect(zero.code, zero.stderr).toBe(0);
    expect(await sb.running(name, 'worker')).toBe(0);
    const paused = await sb.berth(['status', name, '--json']);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout).services.find((s: { name: string }) => s.name === 'worker').state).toBe('stopped');
    expect((await sb.berth(['scale', name, 'worker=1'])).code).toBe(0);
    expect(await sb.running(name, 'worker')).toBe(1);
  });

  it('refuses to scale a service that publishes a host port', async () => {
    const r = await sb.berth(['scale', name, 'backtest-1=2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/backtest-1 publishes host port \d+, which 2 replicas cannot share/);
  });
});
