/** What up refuses, and what happens without an engine or with two commands at once. */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort } from './harness.js';

const engine = inject('engine');

describe.skipIf(!engine)('guards', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(async () => sb?.cleanup());

  it('up refuses a port another stack holds, naming that stack, and one a host process holds', async () => {
    const port = await freePort();
    const a = sb.name('holder');
    const b = sb.name('wants');
    await sb.generate(a, `services:\n  redis:\n    port: ${port}\n`);
    const gen = await sb.generate(b, `services:\n  redis:\n    port: ${port}\n`);
    expect(gen.stderr).toContain(`port ${port} (redis) is also published by stack ${a}`);
    expect((await sb.berth(['up', a])).code).toBe(0);
    const refused = await sb.berth(['up', b]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`berth: error: port ${port} (redis) is taken by stack ${a} (service redis); stop it with berth down ${a}; free it or change the port in stack.yaml and regenerate\n`);
    expect(await sb.containers(b)).toEqual([]);
    expect((await sb.berth(['down', a])).code).toBe(0);

    const srv = net.createServer().listen(port, '0.0.0.0');
    await new Promise((r) => srv.once('listening', r));
    try {
      const byProcess = await sb.berth(['up', b]);
      expect(byProcess.code).toBe(1);
      expect(byProcess.stderr).toMatch(new RegExp(`port ${port} \\(redis\\) is taken by .+ \\(pid ${process.pid}\\); free it`));
    } finally {
      srv.close();
    }
  });

  it('a missing engine gives one clear line', async () => {
    const name = sb.name('noengine');
    await sb.generate(name, 'services:\n  redis: {}\n');
    for (const cmd of [['up', name], ['status', name], ['status'], ['down', name]]) {
      const r = await sb.berth(cmd, { env: { DOCKER_HOST: 'unix:///tmp/no-such-docker.sock' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('berth: error: the Docker engine is not running (nothing answers at unix:///tmp/no-such-docker.sock); start it (e.g. sudo systemctl start docker) or set DOCKER_HOST\n');
    }
  });

  it('an image that cannot be pulled is named, with the service and the ways to use another registry', async () => {
    const name = sb.name('nopull');
    await sb.generate(name, 'services:\n  redis: {}\n  app:\n    component: app\n    image: berth-test/never-built:0.0.1\n');
    const r = await sb.berth(['up', name, '--timeout', '120']);
    expect(r.code).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^berth: error: cannot pull berth-test\/never-built:0\.0\.1 for service app of stack e2e-nopull-\w+: .+; check that the registry is reachable/);
    expect(first).toContain('--image app=<ref>');
  });

  it('secrets read from the environment are never stored, and reach the services at up', async () => {
    const name = sb.name('fromenv');
    const port = await freePort();
    // The app also runs hardened: read-only root filesystem, no privilege gain.
    await sb.generate(name, `secretsFromEnv: [POSTGRES_PASSWORD]\nservices:\n  postgres: {}\n  app: {component: app, image: berth-test/app:latest, port: ${port}, containerPort: 8000, health: /health, readOnly: true, noNewPrivileges: true}\n`);
    const missing = await sb.berth(['up', name], { env: { POSTGRES_PASSWORD: '' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^berth: error: POSTGRES_PASSWORD is not set/);
    const up = await sb.berth(['up', name, '--timeout', '120'], { env: { POSTGRES_PASSWORD: 'from-the-vault-1234' } });
    expect(up.code, up.stderr).toBe(0);
    const check = await fetch(`http://127.0.0.1:${port}/check`);
    expect(await check.json()).toEqual({ postgres: 'ok' });
    const [app] = await sb.containers(name, 'app');
    const host = (await sb.docker.inspect(app!.Id)) as unknown as { HostConfig: { ReadonlyRootfs: boolean; SecurityOpt: string[] } };
    expect(host.HostConfig.ReadonlyRootfs).toBe(true);
    expect(host.HostConfig.SecurityOpt).toEqual(['no-new-privileges:true']);
  });

  it('two commands on one stack are serialized by its lock', async () => {
    const name = sb.name('lock');
    await sb.generate(name, 'services:\n  redis: {}\n');
    const [first, second] = await Promise.all([sb.berth(['up', name]), new Promise((r) => setTimeout(r, 150)).then(() => sb.berth(['down', name]))]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/waiting for berth up \(pid \d+\) to finish with stack/);
    // down ran after up finished: nothing is left running.
    expect(await sb.running(name, 'redis')).toBe(0);
  });

  it('--dry-run prints the commands and runs nothing', async () => {
    const name = sb.name('dry');
    await sb.generate(name, 'services:\n  redis: {}\n');
    const r = await sb.berth(['up', name, '--dry-run']);
    expect(r.code).toBe(0);
    // The Compose this host has: docker compose (v2) where the plugin answers, else docker-compose (v1).
    const cli = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? 'docker compose' : 'docker-compose';
    expect(r.stdout).toMatch(new RegExp(`^\\(cd \\S+ && ${cli} --project-name ${name} --project-directory \\S+ --file \\S+docker-compose.yaml up --no-start --remove-orphans --no-deps redis\\)$`, 'm'));
    expect(r.stdout).toMatch(/^# then berth starts, each group once the one before is ready: redis$/m);
    expect(await sb.containers(name)).toEqual([]);
  });
});
