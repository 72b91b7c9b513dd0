/**
 * Lifecycle commands through the recording runner, continued: build, pull,
 * restart, scale, remove, clean, dry runs and status; the stack and its
 * expected argv come from _lifecycle.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { RecordingRunner } from '../../src/engine/runner.js';
import { compose, dir, engine, head, home, ownVolumes, run, setup, v1, v2, work } from './_lifecycle.js';

describe('commands', () => {
  beforeEach(setup);

  it('build builds the services that have build:, pull pulls the others', async () => {
    const b = await run(['build', 'prod', '--no-cache']);
    expect(b.cmds[0]!.argv).toEqual(compose('build', '--no-cache', 'app', 'migrate', 'worker'));
    const p = await run(['pull', 'prod']);
    expect(p.cmds[0]!.argv).toEqual(compose('pull', 'grafana', 'postgres', 'redis'));
  });

  it('restart one service; a service without a container, or a stack that is not running, is said so', async () => {
    const none = await run(['restart', 'prod', 'redis', '--no-wait']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('berth: error: service redis of stack prod has no container; start it with berth up prod redis\n');
    expect((await run(['restart', 'prod'])).stderr).toBe('berth: error: stack prod is not running; start it with berth up prod\n');
    engine.add('prod', 'redis', { health: 'healthy' });
    const r = await run(['restart', 'prod', 'redis', '--no-wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.cmds.map((c) => c.argv)).toEqual([compose('restart', 'redis')]);
  });

  it('restart of the whole stack stops it and starts it as up does, so jobs run after what they need', async () => {
    engine.add('prod', 'redis', { health: 'healthy' });
    const r = await run(['restart', 'prod', '--no-wait']);
    expect(r.code, r.stderr).toBe(0);
    const h = head(['docker', 'compose']);
    expect(r.cmds.map((c) => c.argv)).toEqual([
      [...h, 'stop'],
      [...h, 'up', '--no-start', '--remove-orphans', '--no-deps', 'postgres', 'redis'],
      [...h, 'up', '--no-start', '--no-deps', 'migrate'],
      [...h, 'up', '--no-start', '--no-deps', 'app', 'worker'],
    ]);
  });

  it('scale sets replicas of the named services only', async () => {
    const r = await run(['scale', 'prod', 'worker=3', '--no-wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.cmds.map((c) => c.argv)).toEqual([[...head(['docker', 'compose']), 'up', '--no-start', '--remove-orphans', '--no-deps', '--scale', 'worker=3', 'worker']]);
    for (const [arg, msg] of [
      ['worker', 'berth: error: scale: "worker" is not service=count (e.g. worker=3)'],
      ['api=2', 'berth: error: stack prod has no service api; its services: app, grafana, migrate, postgres, redis, worker'],
      ['migrate=2', 'berth: error: scale: migrate is a one-shot job; only long-running services scale'],
      ['app=2', "berth: error: scale: app publishes host port 8000, which 2 replicas cannot share; drop its port (put nginx in front) or use scale: in stack.yaml for one port per instance"],
    ]) {
      const bad = await run(['scale', 'prod', arg!]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(`${msg}\n`);
      expect(bad.cmds).toEqual([]);
    }
  });

  it('remove keeps volumes and files unless told; --volumes needs --yes without a terminal', async () => {
    const plain = await run(['remove', 'prod']);
    expect(plain.cmds[0]!.argv).toEqual(compose('down', '--remove-orphans'));
    expect(fs.existsSync(dir)).toBe(true);
    ownVolumes('postgres-data', 'redis-data');
    const refused = await run(['rm', 'prod', '--volumes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('berth: error: refusing to delete the volumes of stack prod (prod_postgres-data, prod_redis-data) without confirmation; pass --yes\n');
    expect(refused.cmds).toEqual([]);
    const files = await run(['rm', 'prod', '--delete-files']);
    expect(files.cmds[0]!.argv).toEqual(compose('down', '--remove-orphans'));
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('clean asks on a terminal for the stack name; a wrong answer deletes nothing', async () => {
    ownVolumes('postgres-data');
    const no = await run(['clean', 'prod'], { tty: true, answers: ['yes'] });
    expect(no.code).toBe(1);
    expect(no.stderr).toBe('berth: nothing deleted\n');
    expect(no.cmds).toEqual([]);
    expect(fs.existsSync(dir)).toBe(true);
    const yes = await run(['clean', 'prod'], { tty: true, answers: ['prod'] });
    expect(yes.code).toBe(0);
    // Compose never deletes volumes: berth deletes its own, one by one.
    expect(yes.cmds[0]!.argv).toEqual(compose('down', '--remove-orphans'));
    expect(yes.stdout).toContain('Deleted volumes: prod_postgres-data.');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('clean deletes only volumes berth made for the stack, and reports only those that existed', async () => {
    ownVolumes('postgres-data');
    // Same Compose project label, but not berth's, or not a volume the stack declares: not the stack's.
    engine.volumes.push({ name: 'prod-foreign', labels: { 'com.docker.compose.project': 'prod' } });
    engine.volumes.push({ name: 'prod_other', labels: { 'com.docker.compose.project': 'prod', 'dev.berth.stack': 'prod' } });
    engine.volumes.push({ name: 'prod_redis-data', labels: { 'com.docker.compose.project': 'prod' } });
    const r = await run(['clean', 'prod', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ volumesRemoved: ['prod_postgres-data'], filesRemoved: true });
    expect(engine.volumes.map((v) => v.name).sort()).toEqual(['prod-foreign', 'prod_other', 'prod_redis-data']);
  });

  it('clean finds what a removed stack left by its labels', async () => {
    ownVolumes('postgres-data');
    engine.add('prod', 'postgres', { state: 'exited' });
    engine.volumes.push({ name: 'prod-foreign', labels: { 'com.docker.compose.project': 'prod' } });
    expect((await run(['remove', 'prod', '--delete-files'])).code).toBe(0);
    const r = await run(['clean', 'prod', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Removed 1 leftover container(s) of stack prod.');
    expect(r.stdout).toContain('Deleted volumes: prod_postgres-data.');
    expect(engine.volumes.map((v) => v.name)).toEqual(['prod-foreign']);
    expect(engine.containers).toEqual([]);
    const again = await run(['clean', 'prod', '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('berth: error: no stack named prod, and no containers or volumes of one; berth list shows the stacks\n');
  });

  it('--dry-run prints the commands this host would run, and runs nothing', async () => {
    const probe = new RecordingRunner(v2);
    const r = await runCli(['down', 'prod', '--dry-run'], { home, engine, runner: probe });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`(cd ${dir} && ${compose('down', '--remove-orphans').join(' ')})\n`);
    expect(engine.pings).toBe(0);
    // Only the read-only question of which Compose is installed was asked.
    expect(probe.commands.map((c) => c.argv.join(' '))).toEqual(['docker compose version --short']);
    const onV1 = await runCli(['down', 'prod', '--dry-run', '--json'], { home, engine, runner: new RecordingRunner(v1) });
    // With --json, stdout is the JSON and the commands go to stderr.
    expect(JSON.parse(onV1.stdout)).toMatchObject({ stack: 'prod', down: true });
    expect(onV1.stderr).toBe(`(cd ${dir} && ${[...head(['docker-compose'], ['monitoring']), 'down', '--remove-orphans'].join(' ')})\n`);
  });

  it('an unknown stack is a usage error', async () => {
    const r = await run(['up', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('berth: error: no stack named nope; berth list shows the stacks, berth generate nope ... creates it\n');
  });
});

describe('status', () => {
  beforeEach(setup);

  it('is 0 when every active service is ready, 1 when one is down or unhealthy', async () => {
    for (const s of ['postgres', 'redis', 'app']) engine.add('prod', s, { health: 'healthy', ports: s === 'app' ? [8000] : [] });
    engine.add('prod', 'worker', { number: 1 });
    engine.add('prod', 'worker', { number: 2 });
    engine.add('prod', 'migrate', { state: 'exited' });
    const ok = await runCli(['status', 'prod'], { home, engine });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^app +healthy +healthy +8000->8000\/tcp +0 +app:test$/m);
    expect(ok.stdout).toMatch(/^grafana +inactive +- +- +0 +grafana\/grafana:11\.4\.0$/m);
    expect(ok.stdout).toMatch(/^worker x2 +running /m);
    expect(ok.stdout).toMatch(/^migrate +completed /m);
    engine.containers = engine.containers.filter((c) => c.Labels['com.docker.compose.service'] !== 'redis');
    engine.add('prod', 'redis', { health: 'unhealthy' });
    const bad = await runCli(['status', 'prod', '--json'], { home, engine });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).services.find((s: { name: string }) => s.name === 'redis')).toMatchObject({ state: 'unhealthy', ready: false });
  });

  it('shows containers of services the stack no longer has, which the next up removes', async () => {
    for (const s of ['postgres', 'redis', 'app', 'worker']) engine.add('prod', s, { health: 'healthy' });
    engine.add('prod', 'migrate', { state: 'exited' });
    engine.add('prod', 'old-worker', {});
    const r = await runCli(['status', 'prod'], { home, engine });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^old-worker +orphan /m);
    expect(r.stdout).toContain('old-worker: no longer in the stack; berth up prod removes it.');
  });

  it('every stack from one listing', async () => {
    engine.add('prod', 'postgres', { health: 'healthy' });
    let calls = 0;
    const list = engine.listContainers.bind(engine);
    engine.listContainers = (...a) => (calls++, list(...a));
    const r = await runCli(['status', '--json'], { home, engine });
    expect(calls).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([{ name: 'prod', state: 'degraded', ready: 1, services: 5, ports: [8000] }]);
    expect(r.code).toBe(1);
  });
});

describe('services named on the command line', () => {
  it('an app with instances stands for all of them; its exporter is not one of them', async () => {
    const home2 = tempHome();
    const specDir = fs.mkdtempSync(path.join(home2, 'spec-'));
    fs.writeFileSync(path.join(specDir, 'stack.yaml'), 'services:\n  redis: {}\n  prometheus: {}\n  api:\n    component: app\n    image: x/api:1\n    instances:\n      a: {}\n      b: {}\n');
    expect((await runCli(['generate', 'multi', '-f', path.join(specDir, 'stack.yaml')], { home: home2 })).code).toBe(0);
    const runner = new RecordingRunner(v2);
    const r = await runCli(['logs', 'multi', 'api', 'redis'], { home: home2, runner, engine: new MemoryEngine() });
    expect(r.code, r.stderr).toBe(0);
    expect(work(runner)[0]!.argv.slice(-3)).toEqual(['api-a', 'api-b', 'redis']);
    const bad = await runCli(['logs', 'multi', 'apx'], { home: home2, runner, engine: new MemoryEngine() });
    expect(bad.stderr).toBe('berth: error: stack multi has no service apx; its services: api, api-a, api-b, prometheus, redis, redis-exporter\n');
  });
});
