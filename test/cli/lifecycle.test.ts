/**
 * Lifecycle commands through the recording runner: the exact Compose argv,
 * Compose v1/v2 detection, confirmations and exit codes. Engine API reads come
 * from an in-memory engine; the real engine is the end-to-end tier's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { RecordingRunner } from '../../src/engine/runner.js';
import { compose, dir, engine, head, home, run, setup, v1, v2, work } from './_lifecycle.js';

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

});
