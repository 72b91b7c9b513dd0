/** Scenarios 1-4, 7 and 8 of the end-to-end suite: real containers, real Postgres and Redis. */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, freePort, until, volumes } from './harness.js';

const engine = inject('engine');

/** A Compose `logs` process for this stack is running on this host. */
function composeLogsRunning(stack: string): boolean {
  const r = spawnSync('pgrep', ['-f', `project-name ${stack} .*logs`], { encoding: 'utf8' });
  return r.status === 0;
}

describe.skipIf(!engine)('lifecycle against a real engine', () => {
  let sb: Sandbox;
  let name: string;
  let appPort: number;
  let spec: string;

  beforeAll(async () => {
    sb = new Sandbox();
    name = sb.name('app');
    appPort = await freePort();
    spec = `
services:
  postgres: {}
  redis: {}
  app:
    component: app
    image: berth-test/app:latest
    port: ${appPort}
    containerPort: 8000
    health: /health
  migrate:
    component: job
    app: app
    command: "psql \\"$$DATABASE_URL\\" -v ON_ERROR_STOP=1 -c 'create table if not exists notes(id serial primary key, body text)'"
`;
    await sb.generate(name, spec);
  });

  afterAll(async () => sb?.cleanup());

  it('1. up returns only when every service is healthy, and the app reaches Postgres and Redis through its connection env', async () => {
    const up = await sb.berth(['up', name, '--timeout', '180']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = await sb.berth(['status', name, '--json']);
    expect(status.code).toBe(0);
    const services = JSON.parse(status.stdout).services as { name: string; state: string }[];
    expect(Object.fromEntries(services.map((s) => [s.name, s.state]))).toEqual({ app: 'healthy', migrate: 'completed', postgres: 'healthy', redis: 'healthy' });
    // Every stack at once (the fast path, with its query sent before the command loads).
    const all = await sb.berth(['status', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toContainEqual({ name, state: 'running', ready: 4, services: 4, ports: [appPort] });
    // Straight after up, without retrying: it is ready.
    const check = await fetch(`http://127.0.0.1:${appPort}/check`);
    expect(check.status).toBe(200);
    expect(await check.json()).toEqual({ postgres: 'ok', redis: 'ok' });
    const env = (await sb.berth(['exec', name, 'app', '--', 'sh', '-c', 'echo $DATABASE_URL; echo $REDIS_URL'])).stdout;
    expect(env).toMatch(/^postgresql:\/\/app:[A-Za-z0-9_-]{43}@postgres:5432\/app$/m);
    expect(env).toMatch(/^redis:\/\/:[A-Za-z0-9_-]{43}@redis:6379\/0$/m);
    // Regenerating a running stack: its own published port is not "taken", and its secrets stay.
    const envBefore = (await import('node:fs')).readFileSync(`${sb.home}/stacks/${name}/.env`, 'utf8');
    const again = await sb.generate(name, spec);
    expect(again.stderr).toBe('');
    expect((await import('node:fs')).readFileSync(`${sb.home}/stacks/${name}/.env`, 'utf8')).toBe(envBefore);
    // With the engine out of reach, its own port (held by Docker's proxy) is still not "taken".
    const offline = await sb.berth(['generate', name], { env: { DOCKER_HOST: 'unix:///tmp/berth-no-engine.sock' } });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toBe('');
  });

  it('logs and exec speak JSON: engine records with timestamps, followed until Ctrl-C', async () => {
    const past = await sb.berth(['logs', name, 'postgres', '--json']);
    expect(past.code, past.stderr).toBe(0);
    const records = past.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.some((r) => /ready to accept connections/.test(r.line))).toBe(true);
    for (const r of records) {
      expect(r).toMatchObject({ service: 'postgres', replica: 1 });
      expect(['stdout', 'stderr']).toContain(r.stream);
      expect(Date.parse(r.time)).toBeGreaterThan(Date.now() - 3_600_000);
    }

    const follow = sb.start(['logs', name, 'app', '--json', '--follow', '--tail', '0']);
    const marker = `/e2e-marker-${Date.now()}`;
    const seen = await until('the request line to be followed', async () => {
      await fetch(`http://127.0.0.1:${appPort}${marker}`);
      return follow.output().includes(marker) ? follow.output() : undefined;
    }, 30_000, 1_000);
    // A restart of the service does not end the follow: it picks the container up again.
    expect((await sb.berth(['restart', name, 'app'])).code).toBe(0);
    const after = `/e2e-after-restart-${Date.now()}`;
    await until('the follow to go on after the restart', async () => {
      await fetch(`http://127.0.0.1:${appPort}${after}`).catch(() => undefined);
      return follow.output().includes(after) ? true : undefined;
    }, 30_000, 1_000);
    expect(await follow.interrupt()).toBe(0);
    const followed = follow.output().trim().split('\n').map((l) => JSON.parse(l));
    const line = followed.find((r) => r.line.includes(marker));
    expect(line).toMatchObject({ service: 'app', replica: 1, stream: expect.stringMatching(/^std(out|err)$/) });
    // Resumed after its last line: nothing twice.
    expect(new Set(followed.map((r) => `${r.time} ${r.line}`)).size).toBe(followed.length);

    // Plain logs -f runs Compose on the terminal; a signal to berth alone stops Compose too.
    const plain = sb.start(['logs', name, 'app', '--follow', '--tail', '1']);
    await until('compose logs to start', async () => (composeLogsRunning(name) ? true : undefined), 30_000);
    await plain.interrupt();
    await until('compose logs to stop with berth', async () => (composeLogsRunning(name) ? undefined : true), 10_000);

    const exec = await sb.berth(['exec', name, 'redis', '--json', '--', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
    expect(exec.code).toBe(4);
    expect(JSON.parse(exec.stdout)).toMatchObject({ service: 'redis', exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
  });

  it('2. data survives down and up', async () => {
    const psql = (sql: string) => sb.berth(['exec', name, 'postgres', '--', 'psql', '-U', 'app', '-d', 'app', '-tAc', sql]);
    expect((await psql("insert into notes(body) values ('kept across restarts')")).code).toBe(0);
    const down = await sb.berth(['down', name]);
    expect(down.code).toBe(0);
    expect(await sb.running(name, 'postgres')).toBe(0);
    expect(volumes(name)).toEqual([`${name}_postgres-data`, `${name}_redis-data`]);
    expect((await sb.berth(['up', name])).code).toBe(0);
    expect((await psql('select body from notes')).stdout.trim()).toBe('kept across restarts');
  });

  it('--rotate-secrets rotates what can be rotated and keeps the database password its data was made with', async () => {
    const fs = await import('node:fs');
    const envFile = `${sb.home}/stacks/${name}/.env`;
    const before = fs.readFileSync(envFile, 'utf8');
    const rotated = await sb.generate(name, spec, ['--rotate-secrets']);
    expect(rotated.stderr).toMatch(/warning: kept POSTGRES_PASSWORD: postgres reads it only when its data is first created and volume e2e-app-\w+_postgres-data holds data/);
    const after = fs.readFileSync(envFile, 'utf8');
    const value = (text: string, k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1];
    expect(value(after, 'POSTGRES_PASSWORD')).toBe(value(before, 'POSTGRES_PASSWORD'));
    expect(value(after, 'REDIS_PASSWORD')).not.toBe(value(before, 'REDIS_PASSWORD'));
    expect((await sb.berth(['up', name, '--timeout', '120'])).code).toBe(0);
    const check = await fetch(`http://127.0.0.1:${appPort}/check`);
    expect(await check.json()).toEqual({ postgres: 'ok', redis: 'ok' });
  });

  it('3. a killed main process is restarted by the restart policy and status counts the restart', async () => {
    const [pg] = await sb.containers(name, 'postgres', false);
    const [pid, before] = execFileSync('docker', ['inspect', '-f', '{{.State.Pid}} {{.RestartCount}}', pg!.Id], { encoding: 'utf8' }).trim().split(' ');
    execFileSync('kill', ['-9', pid!]);
    const healthyAgain = await until('postgres to come back healthy with the restart counted', async () => {
      const r = await sb.berth(['status', name, '--json']);
      const svc = (JSON.parse(r.stdout).services as { name: string; state: string; containers: { restarts: number }[] }[]).find((s) => s.name === 'postgres')!;
      return svc.state === 'healthy' && svc.containers[0]!.restarts === Number(before) + 1 ? r : undefined;
    }, 90_000);
    expect(healthyAgain.code).toBe(0);
    const table = (await sb.berth(['status', name])).stdout;
    expect(table).toMatch(new RegExp(`^postgres\\s+healthy\\s+healthy\\s+-\\s+${Number(before) + 1}\\s`, 'm'));
  });

  it('restart of the whole stack brings dependencies back first and re-runs the job after them', async () => {
    const r = await sb.berth(['restart', name, '--timeout', '120']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const services = JSON.parse((await sb.berth(['status', name, '--json'])).stdout).services as { name: string; state: string }[];
    expect(Object.fromEntries(services.map((x) => [x.name, x.state]))).toEqual({ app: 'healthy', migrate: 'completed', postgres: 'healthy', redis: 'healthy' });
    const check = await fetch(`http://127.0.0.1:${appPort}/check`);
    expect(await check.json()).toEqual({ postgres: 'ok', redis: 'ok' });
  });

  it('4a. the migration job runs to completion before the app starts', async () => {
    const [job] = await sb.containers(name, 'migrate');
    const [app] = await sb.containers(name, 'app');
    const jobInfo = await sb.docker.inspect(job!.Id);
    const appInfo = await sb.docker.inspect(app!.Id);
    expect(jobInfo.State.ExitCode).toBe(0);
    expect(Date.parse(jobInfo.State.FinishedAt)).toBeLessThanOrEqual(Date.parse(appInfo.State.StartedAt));
  });

  it('4b. a failing job makes up fail with its log lines, and the app is not started', async () => {
    const bad = sb.name('badjob');
    await sb.generate(
      bad,
      `
services:
  postgres: {}
  app:
    component: app
    image: berth-test/app:latest
    health: /health
  migrate:
    component: job
    app: app
    command: "echo applying 0042_add_index; echo 'ERROR: relation \\"orders\\" does not exist' >&2; exit 3"
`,
    );
    const up = await sb.berth(['up', bad, '--timeout', '120']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^berth: error: job migrate failed \(exit code 3\)/m);
    expect(up.stderr).toContain('applying 0042_add_index');
    expect(up.stderr).toContain('relation "orders" does not exist');
    expect(await sb.running(bad, 'app')).toBe(0);
    expect((await sb.berth(['status', bad])).code).toBe(1);
  });

  it('7. a broken healthcheck makes up fail within --timeout, naming the service', async () => {
    const broken = sb.name('broken');
    await sb.generate(
      broken,
      `
services:
  redis: {}
  app:
    component: app
    image: berth-test/app:latest
    health: /no-such-endpoint
`,
    );
    const up = await sb.berth(['up', broken, '--timeout', '15']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^berth: error: timed out after 15s waiting for app \(starting, health starting\)/m);
    expect(up.stderr).toMatch(/last health probe \(exit \d+\)/);
    expect(up.ms).toBeLessThan(60_000);
  });

  it('clean --yes also deletes the volume of a service dropped at a regenerate', async () => {
    const dropped = sb.name('dropped');
    await sb.generate(dropped, 'services:\n  redis: {}\n  postgres: {}\n');
    expect((await sb.berth(['up', dropped])).code).toBe(0);
    await sb.generate(dropped, 'services:\n  redis: {}\n');
    expect((await sb.berth(['up', dropped])).code).toBe(0);
    expect(volumes(dropped)).toEqual([`${dropped}_postgres-data`, `${dropped}_redis-data`]);
    const clean = await sb.berth(['clean', dropped, '--yes']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`Deleted volumes: ${dropped}_postgres-data, ${dropped}_redis-data.`);
    expect(volumes(dropped)).toEqual([]);
  });

  it('8. remove --delete-files keeps the volumes; clean --yes removes them', async () => {
    const other = sb.name('gone');
    await sb.generate(other, 'services:\n  redis: {}\n  postgres: {}\n');
    expect((await sb.berth(['up', other])).code).toBe(0);
    const rm = await sb.berth(['remove', other, '--delete-files']);
    expect(rm.code).toBe(0);
    expect(await sb.containers(other)).toEqual([]);
    expect(volumes(other)).toEqual([`${other}_postgres-data`, `${other}_redis-data`]);
    expect((await sb.berth(['list', '--json'])).stdout).not.toContain(other);

    const notConfirmed = await sb.berth(['clean', name]);
    expect(notConfirmed.code).toBe(2);
    expect(notConfirmed.stderr).toMatch(/pass --yes/);
    expect(volumes(name)).toHaveLength(2);
    const clean = await sb.berth(['clean', name, '--yes']);
    expect(clean.code).toBe(0);
    expect(volumes(name)).toEqual([]);
    expect(await sb.containers(name)).toEqual([]);
  });
});
