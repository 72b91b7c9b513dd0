/**
 * How berth starts stacks on a real engine: in dependency order as each
 * dependency is ready by berth's own probe (not Docker's first scheduled one),
 * the engine's own words when a container cannot start, a restart that never
 * leaves a stack worse than it was, and run-time choices that last.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from './harness.js';

const engine = inject('engine');

describe.skipIf(!engine)('starting stacks on a real engine', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(async () => sb?.cleanup());

  it('up is ready long before Docker\'s first scheduled probe, and status agrees straight away', async () => {
    const name = sb.name('fast');
    await sb.generate(name, 'services:\n  postgres: {}\n  redis: {}\n  app:\n    image: berth-test/app:latest\n    health: /health\n');
    const up = await sb.berth(['up', name]);
    expect(up.code, up.stderr).toBe(0);
    // Probes run every 15 s; berth's own probe saw each service ready well before that.
    expect(up.ms).toBeLessThan(15_000);
    const status = await sb.berth(['status', name, '--json']);
    expect(status.code, status.stdout).toBe(0);
    const states = Object.fromEntries((JSON.parse(status.stdout).services as { name: string; state: string }[]).map((s) => [s.name, s.state]));
    expect(states).toEqual({ app: 'healthy', postgres: 'healthy', redis: 'healthy' });
    const inspect = (await sb.containers(name, 'postgres'))[0]!;
    const info = await sb.docker.inspect(inspect.Id);
    expect(info.State.Health?.Status).toBe('starting');
  });

  it('a GPU service on a host without the NVIDIA runtime is named with the engine\'s error, and shows as created', async () => {
    const name = sb.name('gpu');
    await sb.generate(name, 'services:\n  redis: {}\n  trainer:\n    component: app\n    image: berth-test/app:latest\n    gpu: true\n');
    const up = await sb.berth(['up', name, '--timeout', '60']);
    expect(up.code).toBe(1);
    expect(up.stderr.split('\n')[0]).toMatch(/^berth: error: service trainer of stack .* could not start: .*(device driver|nvidia).*; this host has no NVIDIA container runtime: install the NVIDIA Container Toolkit/);
    const status = await sb.berth(['status', name, '--json']);
    expect(status.code).toBe(1);
    const trainer = (JSON.parse(status.stdout).services as { name: string; state: string }[]).find((s) => s.name === 'trainer');
    expect(trainer?.state).toBe('created');
  });

  it('a restart whose start fails starts again what was running before', async () => {
    const name = sb.name('restart');
    // The job succeeds once, then fails whenever it runs again (its mark survives in the volume).
    await sb.generate(
      name,
      `services:
  redis: {}
  app:
    image: berth-test/app:latest
    health: /health
  once:
    component: job
    image: berth-test/app:latest
    command: "test ! -e /state/ran && touch /state/ran"
    volumes: ["state:/state"]
    before: [app]
`,
    );
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect(await sb.running(name, 'app')).toBe(1);
    const restart = await sb.berth(['restart', name, '--timeout', '60']);
    expect(restart.code).toBe(1);
    expect(restart.stderr.split('\n')[0]).toMatch(/^berth: error: job once failed \(exit code 1\).*; started again what was running before: app/);
    expect(await sb.running(name, 'app')).toBe(1);
    expect(await sb.running(name, 'redis')).toBe(1);
  });

  it('--var and --profile at up last for later commands, and a shell override is refused', async () => {
    const name = sb.name('vars');
    await sb.generate(name, 'vars:\n  TAG: latest\nprofiles: []\nservices:\n  redis:\n    image: berth-test/redis:${TAG}\n  extra:\n    component: redis\n    image: berth-test/redis:latest\n    profiles: [more]\n');
    const up = await sb.berth(['up', name, '--var', 'TAG=latest', '--profile', 'more']);
    expect(up.code, up.stderr).toBe(0);
    expect(await sb.running(name, 'extra')).toBe(1);
    const status = await sb.berth(['status', name]);
    expect(status.stdout).toContain('Set at berth up: profiles more; TAG=latest');
    const override = await sb.berth(['restart', name], { env: { TAG: 'other' } });
    expect(override.code).toBe(2);
    expect(override.stderr).toBe(`berth: error: TAG is set in berth's environment ("other"), but stack ${name} has "latest"; Compose would use yours for this command only and the next would go back; run berth up ${name} --var TAG=other to keep it, or unset TAG\n`);
    const restart = await sb.berth(['restart', name]);
    expect(restart.code, restart.stderr).toBe(0);
    expect(await sb.running(name, 'extra')).toBe(1);
  });
});
