/**
 * Lifecycle commands through the recording runner: the exact Compose argv,
 * Compose v1/v2 detection, confirmations and exit codes. Engine API reads come
 * from an in-memory engine; the real engine is the end-to-end tier's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { RecordingRunner, type Command } from '../../src/engine/runner.js';

const SPEC = `
services:
  postgres: {}
  redis: {}
  app:
    component: app
    build: ./app
    port: 8000
    health: /health
  worker:
    component: worker
    app: app
    command: [python, -m, worker]
    replicas: 2
  migrate:
    component: job
    app: app
    command: [alembic, upgrade, head]
  grafana:
    profiles: [monitoring]
`;

type Answer = (c: Command) => { code?: number; stdout?: string; stderr?: string } | undefined;
const v2: Answer = (c) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 0, stdout: '2.29.1\n' } : undefined);
const v1: Answer = (c) => (c.argv.join(' ') === 'docker compose version --short' ? { code: 1, stderr: "docker: 'compose' is not a docker command." } : undefined);

let home: string;
let dir: string;
let engine: MemoryEngine;

async function setup() {
  home = tempHome();
  const specDir = fs.mkdtempSync(path.join(home, 'spec-'));
  fs.writeFileSync(path.join(specDir, 'stack.yaml'), SPEC);
  // generate checks that the build context and its Dockerfile exist.
  fs.mkdirSync(path.join(specDir, 'app'));
  fs.writeFileSync(path.join(specDir, 'app', 'Dockerfile'), 'FROM scratch\n');
  const r = await runCli(['generate', 'prod', '-f', path.join(specDir, 'stack.yaml')], { home });
  expect(r.code, r.stderr).toBe(0);
  dir = path.join(home, 'stacks', 'prod');
  engine = new MemoryEngine();
}

function head(cli: string[], profiles: string[] = []) {
  return [...cli, '--project-name', 'prod', '--project-directory', dir, '--file', path.join(dir, 'docker-compose.yaml'), ...profiles.flatMap((p) => ['--profile', p])];
}

/** The commands after Compose detection. */
const work = (r: RecordingRunner) => r.commands.filter((c) => !c.argv.includes('version'));

describe('Compose detection', () => {
  beforeEach(setup);

  it('uses docker compose (v2) when it answers', async () => {
    const runner = new RecordingRunner(v2);
    const r = await runCli(['down', 'prod'], { home, runner, engine });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Stack prod is down; volumes kept (app-data?, grafana-data, postgres-data, redis-data).\n'.replace('app-data?, ', ''));
    expect(work(runner)).toEqual([{ argv: [...head(['docker', 'compose'], ['monitoring']), 'down', '--remove-orphans'], cwd: dir, stdio: 'pipe' }]);
    expect(engine.pings).toBe(1);
  });

  it('falls back to docker-compose (v1)', async () => {
    const runner = new RecordingRunner(v1);
    expect((await runCli(['down', 'prod'], { home, runner, engine })).code).toBe(0);
    expect(runner.commands.map((c) => c.argv.join(' '))).toEqual([
      'docker compose version --short',
      'docker-compose version --short',
      [...head(['docker-compose'], ['monitoring']), 'down', '--remove-orphans'].join(' '),
    ]);
  });

  it('says so in one line when neither is installed', async () => {
    const runner = new RecordingRunner(() => ({ code: 1 }));
    const r = await runCli(['down', 'prod'], { home, runner, engine });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('berth: error: Docker Compose is not installed: neither `docker compose` (v2) nor `docker-compose` (v1) runs; install the Compose plugin\n');
  });

  it('BERTH_COMPOSE picks one without asking', async () => {
    const runner = new RecordingRunner();
    expect((await runCli(['down', 'prod'], { home, runner, engine, env: { BERTH_COMPOSE: 'docker-compose' } })).code).toBe(0);
    expect(runner.commands.map((c) => c.argv[0])).toEqual(['docker-compose']);
  });

  it('a failing Compose command is one line with its last words, and the exit code is 1', async () => {
    const runner = new RecordingRunner((c) => v2(c) ?? { code: 1, stderr: 'Pulling postgres ...\nERROR: manifest for postgres:17.5-bookworm not found\n' });
    // Output streamed to the terminal: the error points at it.
    const streamed = await runCli(['pull', 'prod'], { home, runner, engine, env: { BERTH_COMPOSE: '' } });
    expect(streamed.code).toBe(1);
    expect(streamed.stderr).toBe('berth: error: pull failed for stack prod (exit code 1); its output is above\n');
    // Output captured (--json): the error quotes Compose's last words, as JSON on stdout.
    const captured = await runCli(['pull', 'prod', '--json'], { home, runner, engine, env: { BERTH_COMPOSE: '' } });
    expect(captured.code).toBe(1);
    const { error } = JSON.parse(captured.stdout);
    expect(error).toMatchObject({ code: 'failed', message: 'pull failed for stack prod: manifest for postgres:17.5-bookworm not found' });
    expect(error.details).toContain('  | Pulling postgres ...');
  });
});

describe('commands', () => {
  beforeEach(setup);
  const run = async (argv: string[], opts: { tty?: boolean; answers?: string[] } = {}) => {
    const runner = new RecordingRunner(v2);
    const r = await runCli(argv, { home, runner, engine, ...opts });
    return { ...r, cmds: work(runner) };
  };
  const compose = (...args: string[]) => [...head(['docker', 'compose'], ['monitoring']), ...args];
  /** Volumes as Compose creates them for the stack's file: both labels, the project's name in front. */
  const ownVolumes = (...names: string[]) => {
    for (const n of names) engine.volumes.push({ name: `prod_${n}`, labels: { 'com.docker.compose.project': 'prod', 'dev.berth.stack': 'prod' } });
  };

  it('up --no-wait has Compose create the active profiles only, after checking ports, and berth starts them', async () => {
    const r = await run(['up', 'prod', '--no-wait']);
    expect(r.code, r.stderr).toBe(0);
    // One dependency level per command: Compose never waits on a condition while creating.
    expect(r.cmds.map((c) => c.argv)).toEqual([
      [...head(['docker', 'compose']), 'up', '--no-start', '--remove-orphans', '--no-deps', 'postgres', 'redis'],
      [...head(['docker', 'compose']), 'up', '--no-start', '--no-deps', 'migrate'],
      [...head(['docker', 'compose']), 'up', '--no-start', '--no-deps', 'app', 'worker'],
    ]);
    expect(r.stdout).toBe('Stack prod is started (not waiting for health); berth status prod shows it.\n');
  });

  it('up starts each service once what it depends on is ready, as berth probes it', async () => {
    // As Compose leaves them: created, not started.
    for (const svc of ['postgres', 'redis', 'migrate', 'app', 'worker']) engine.add('prod', svc, { state: 'created' });
    const probed: string[] = [];
    engine.execExit = (id) => (probed.push(id.slice(0, id.indexOf('-1'))), 0);
    const realStart = engine.startContainer.bind(engine);
    engine.startContainer = async (id) => {
      await realStart(id);
      const c = engine.containers.find((x) => x.Id === id)!;
      // Docker's first scheduled probe has not run yet; the job exits 0 at once.
      c.Status = id.startsWith('prod-migrate') ? 'Exited (0) 1 second ago' : 'Up 1 second (health: starting)';
      if (id.startsWith('prod-migrate')) (c.State = 'exited', (engine.finishedAt[id] = new Date().toISOString()));
    };
    const r = await run(['up', 'prod', '--timeout', '10']);
    expect(r.code, r.stderr).toBe(0);
    const order = engine.started.map((id) => id.replace(/-1-?0*$/, '').replace(/^prod-/, ''));
    // Datastores first; the job once they are healthy; app and worker once the job has exited 0.
    expect(order.slice(0, 2).sort()).toEqual(['postgres', 'redis']);
    expect(order[2]).toBe('migrate');
    expect(order.slice(3).sort()).toEqual(['app', 'worker']);
    expect(probed.length).toBeGreaterThan(0);
  });

  it('a container the engine cannot start is named with the engine\'s words, and shows as created, not starting', async () => {
    for (const svc of ['postgres', 'redis', 'migrate', 'app', 'worker']) engine.add('prod', svc, { state: 'created' });
    engine.startErrors[engine.containers.find((c) => c.Id.startsWith('prod-redis'))!.Id] = 'could not select device driver "nvidia" with capabilities: [[gpu]]';
    engine.startContainer = ((orig) => async (id: string) => {
      await orig(id);
      engine.containers.find((x) => x.Id === id)!.Status = 'Up 1 second (healthy)';
    })(engine.startContainer.bind(engine));
    const r = await run(['up', 'prod', '--timeout', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'berth: error: service redis of stack prod could not start: could not select device driver "nvidia" with capabilities: [[gpu]]; this host has no NVIDIA container runtime: install the NVIDIA Container Toolkit and restart dockerd, or run the GPU services on a GPU host',
    );
    const status = await run(['status', 'prod']);
    expect(status.stdout).toMatch(/^redis +created /m);
    expect(status.code).toBe(1);
  });

  it('up and pull take services; a named service runs even when its profile is not active', async () => {
    const one = await run(['up', 'prod', 'app', '--no-wait']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.cmds.map((c) => c.argv.slice(-4))).toEqual([
      ['--remove-orphans', '--no-deps', 'postgres', 'redis'],
      ['up', '--no-start', '--no-deps', 'migrate'],
      ['up', '--no-start', '--no-deps', 'app'],
    ]);
    const gated = await run(['up', 'prod', 'grafana', '--no-wait']);
    expect(gated.cmds.map((c) => c.argv)).toEqual([[...head(['docker', 'compose'], ['monitoring']), 'up', '--no-start', '--remove-orphans', '--no-deps', 'grafana']]);
    const pulled = await run(['pull', 'prod', 'postgres', 'app']);
    // app is built locally: only postgres is pulled.
    expect(pulled.cmds.map((c) => c.argv)).toEqual([compose('pull', 'postgres')]);
    const bad = await run(['up', 'prod', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^berth: error: stack prod has no service nope; its services: /);
  });

  it('up refuses a port another stack holds, naming it, and runs nothing', async () => {
    engine.add('other', 'web', { ports: [8000] });
    const r = await run(['up', 'prod', '--no-wait']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('berth: error: port 8000 (app) is taken by stack other (service web); stop it with berth down other; free it or change the port in stack.yaml and regenerate\n');
    expect(r.cmds).toEqual([]);
  });

  it('up does not count its own running containers as holders', async () => {
    engine.add('prod', 'app', { ports: [8000], health: 'healthy' });
    expect((await run(['up', 'prod', '--no-wait'])).code).toBe(0);
  });

  it('logs, with follow and tail, on the terminal', async () => {
    const r = await run(['logs', 'prod', 'app', '-f', '--tail', '5']);
    expect(r.code).toBe(0);
    expect(r.cmds).toEqual([{ argv: compose('logs', '--follow', '--tail', '5', '--no-color', 'app'), cwd: dir, stdio: 'inherit' }]);
    const bad = await run(['logs', 'prod', 'app', '--tail', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('berth: error: --tail: "lots" is not a number of lines\n');
  });

  it('logs --json: one record per line from the engine, merged in time order, no Compose run', async () => {
    engine.add('prod', 'app', {});
    engine.add('prod', 'worker', { number: 2 });
    engine.add('other', 'app', {});
    const [app, worker, other] = engine.containers.map((c) => c.Id);
    engine.logLines[app!] = [
      { stream: 'stdout', time: '2026-11-23T05:00:00.000000001Z', text: 'listening on :8000' },
      { stream: 'stderr', time: '2026-11-23T05:00:02.000000000Z', text: 'GET /health 200' },
    ];
    engine.logLines[worker!] = [{ stream: 'stdout', time: '2026-11-23T05:00:01.000000000Z', text: 'waiting for jobs' }];
    engine.logLines[other!] = [{ stream: 'stdout', time: '2026-11-23T05:00:00.5Z', text: 'not this stack' }];
    const r = await run(['logs', 'prod', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.cmds).toEqual([]);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { service: 'app', replica: 1, container: 'prod-app-1', stream: 'stdout', time: '2026-11-23T05:00:00.000000001Z', line: 'listening on :8000' },
      { service: 'worker', replica: 2, container: 'prod-worker-2', stream: 'stdout', time: '2026-11-23T05:00:01.000000000Z', line: 'waiting for jobs' },
      { service: 'app', replica: 1, container: 'prod-app-1', stream: 'stderr', time: '2026-11-23T05:00:02.000000000Z', line: 'GET /health 200' },
    ]);
    const one = await run(['logs', 'prod', 'worker', '--json', '--tail', '0']);
    expect(one.stdout).toBe('');
  });

  it('logs, down and restart take several services; down of some removes just those', async () => {
    const logs = await run(['logs', 'prod', 'app', 'worker']);
    expect(logs.cmds.map((c) => c.argv)).toEqual([compose('logs', '--no-color', 'app', 'worker')]);
    const down = await run(['down', 'prod', 'worker', 'redis']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.cmds.map((c) => c.argv)).toEqual([compose('rm', '--stop', '--force', 'worker', 'redis')]);
    expect(down.stdout).toBe('Stopped and removed worker, redis of stack prod; volumes kept.\n');
    const bad = await run(['down', 'prod', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.cmds).toEqual([]);
  });

  it('logs --json on a stack with no containers says how to start it', async () => {
    const r = await run(['logs', 'prod', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('berth: warning: stack prod has no containers; start it with: berth up prod\n');
  });

  it('exec --json captures the output and keeps the exit code; a shell cannot be captured', async () => {
    engine.add('prod', 'postgres', {});
    const runner = new RecordingRunner((c) => v2(c) ?? (c.argv.includes('exec') ? { code: 3, stdout: 'PGDATA=/var/lib/postgresql/data\n', stderr: 'oops\n' } : undefined));
    const r = await runCli(['exec', 'prod', 'postgres', '--json', '--', 'env'], { home, runner, engine });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ stack: 'prod', service: 'postgres', replica: 1, argv: ['env'], exitCode: 3, stdout: 'PGDATA=/var/lib/postgresql/data\n', stderr: 'oops\n' });
    expect(runner.commands.at(-1)).toEqual({ argv: compose('exec', '-T', 'postgres', 'env'), cwd: dir, stdio: 'pipe' });
    const shell = await run(['exec', 'prod', 'postgres', '--json']);
    expect(shell.code).toBe(2);
    expect(JSON.parse(shell.stdout)).toEqual({ error: { code: 'usage', message: 'exec --json needs a command to run, e.g. berth exec prod postgres --json -- env; a shell is interactive' } });
  });

  it('exec: a shell by default, -T without a terminal, the command after --, a replica by --index', async () => {
    engine.add('prod', 'app', {});
    engine.add('prod', 'postgres', {});
    engine.add('prod', 'worker', { number: 2 });
    const shell = await run(['exec', 'prod', 'app']);
    expect(shell.cmds[0]!.argv).toEqual(compose('exec', '-T', 'app', 'sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'));
    const interactive = await run(['exec', 'prod', 'postgres', '--', 'psql', '-U', 'app'], { tty: true });
    expect(interactive.cmds[0]).toEqual({ argv: compose('exec', 'postgres', 'psql', '-U', 'app'), cwd: dir, stdio: 'inherit' });
    const replica = await run(['exec', 'prod', 'worker', '--index', '2', '--', 'ps']);
    expect(replica.cmds[0]!.argv).toEqual(compose('exec', '-T', '--index', '2', 'worker', 'ps'));
  });

  it('exec into a container that is not running says so instead of failing silently', async () => {
    engine.add('prod', 'migrate', { state: 'exited' });
    const exited = await run(['exec', 'prod', 'migrate', '--', 'ls']);
    expect(exited.code).toBe(1);
    expect(exited.stderr).toBe('berth: error: migrate of stack prod is not running (exited with code 0); start it with berth up prod migrate\n');
    expect(exited.cmds).toEqual([]);
    expect((await run(['exec', 'prod', 'redis', '--', 'ls'])).stderr).toBe('berth: error: redis of stack prod is not running; start it with berth up prod redis\n');
    engine.add('prod', 'worker', {});
    expect((await run(['exec', 'prod', 'worker', '--index', '3', '--', 'ls'])).stderr).toBe(
      'berth: error: replica 3 of worker of stack prod is not running; worker has 1 replica(s); scale it with berth scale prod worker=3\n',
    );
  });

  it('names the services of the stack when given one it does not have', async () => {
    const r = await run(['exec', 'prod', 'api']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('berth: error: stack prod has no service api; its services: app, grafana, migrate, postgres, postgres-exporter, redis, redis-exporter, worker\n'.replace('postgres-exporter, ', '').replace('redis-exporter, ', ''));
  });

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
