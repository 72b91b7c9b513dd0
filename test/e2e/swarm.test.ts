/**
 * berth deploy --swarm on a single-node Swarm inside a real test host (its
 * own dockerd, reached over real ssh; Swarm is never started on the shared
 * engine; the node says target: swarm, and the first deploy says --swarm too):
 * PostgreSQL, a job run once the database is healthy, and an app with 2 replicas and a secret come up
 * healthy, the app reaches the database with the password Swarm hands it as
 * a secret file. Then a release whose app fails its health check: Swarm's
 * rolling update rolls back by itself, berth says so naming the service,
 * exits non-zero and records the release rolled back; release 1 serves
 * again and the data written before is still there. Its logs are followed
 * through the manager until Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, until } from './harness.js';
import { HOST_IMAGE, TestHosts, buildImage, type TestHost } from './hosts.js';

const engine = inject('engine');

describe.skipIf(!engine)('deploy to a Docker Swarm over ssh', () => {
  const repo = `berth-e2e-swarm-${randomBytes(3).toString('hex')}/app`;
  const ids: Record<string, string> = {};
  let sb: Sandbox;
  let hosts: TestHosts;
  let h: TestHost;
  let name: string;
  const project = () => `${name}-swarm`;
  const berth = (args: string[]) => sb.berth(args, { env: { BERTH_SSH_CONFIG: hosts.sshConfig } });
  /** The running containers of a service of the Swarm stack. */
  const tasks = (service: string) => hosts.sh(h, `docker ps -q --filter label=com.docker.swarm.service.name=${project()}_${service}`).split('\n').filter(Boolean);
  const psql = (sql: string) => hosts.sh(h, `docker exec ${tasks('db')[0]} psql -U app -d app -tAc "${sql}"`).trim();
  const secretOf = (key: string) => fs.readFileSync(path.join(sb.home, 'stacks', name, '.env'), 'utf8').match(new RegExp(`^${key}=(.*)$`, 'm'))![1]!;

  const stackYaml = (more = '') =>
    `nodes:
  swarm: {host: "${h.url}", target: swarm}
vars: {IMAGE_TAG: good}
services:
  db: {component: postgres, node: swarm, memory: 256m}
  api:
    component: app
    node: swarm
    image: "${repo}:\${IMAGE_TAG}"
    replicas: 2
    health: /health
    healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}
    secrets: [API_TOKEN]
    uses: [db]
    memory: 128m
  migrate:
    component: job
    node: swarm
    app: api
    command: [sh, -c, 'psql "$$DATABASE_URL" -c "create table if not exists seeded (x int)"']
` + more;

  beforeAll(async () => {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    sb = new Sandbox();
    hosts = new TestHosts();
    ids.good = buildImage(`${repo}:good`, 'FROM berth-test/app:latest\nLABEL release=good\n');
    ids.v2 = buildImage(`${repo}:v2`, 'FROM berth-test/app:latest\nLABEL release=v2\n');
    // Serves /healthz instead of /health: its health check gets 404s.
    ids.bad = buildImage(`${repo}:bad`, 'FROM berth-test/app:latest\nRUN sed -i \'s#path == "/health"#path == "/healthz"#\' /usr/local/bin/test-app\n');
    [h] = (await hosts.start(1)) as [TestHost];
    hosts.sh(h, 'docker swarm init --advertise-addr 127.0.0.1 >/dev/null');
    await hosts.load(h, ['berth-test/postgres:latest']);
    name = sb.name('swarm');
    await sb.generate(name, stackYaml());
  }, 600_000);

  afterAll(async () => {
    if (h) hosts.ssh(h, ['sh', '-c', "'docker swarm leave --force >/dev/null 2>&1'"]);
    await hosts?.stop();
    await sb?.cleanup();
    execFileSync('docker', ['rmi', '-f', `${repo}:good`, `${repo}:v2`, `${repo}:bad`], { stdio: 'ignore' });
  });

  it('deploys the database and two healthy app replicas that reach it with the password from a Swarm secret', async () => {
    const r = await berth(['deploy', name, '--swarm', '--ship-images']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Release 1 of stack ${name} is healthy on swarm`);
    // The job ran once, after the database was healthy and before the app (Swarm orders nothing: berth does).
    expect(r.stderr).toContain('services.migrate: a job runs as a one-shot service');
    expect(psql('select count(*) from seeded')).toBe('0');
    expect(hosts.sh(h, `docker service ps --format '{{.CurrentState}}' ${project()}_migrate`)).toMatch(/^Complete/);
    const api = tasks('api');
    expect(api).toHaveLength(2);
    for (const c of api) {
      expect(JSON.parse(hosts.sh(h, `docker exec ${c} curl -s localhost:8000/check`))).toEqual({ postgres: 'ok' });
      expect(hosts.sh(h, `docker exec ${c} cat /run/secrets/API_TOKEN`)).toBe(secretOf('API_TOKEN'));
      expect(hosts.sh(h, `docker exec ${c} sh -c 'tr "\\0" "\\n" < /proc/1/environ | grep ^API_TOKEN='`).trim()).toBe(`API_TOKEN=${secretOf('API_TOKEN')}`);
      expect(hosts.sh(h, `docker inspect -f '{{.Image}} {{.State.Health.Status}}' ${c}`).trim()).toBe(`${ids.good} healthy`);
    }
    // The values are in Swarm secrets only: not in the services' definitions, the stack file or the records.
    const specs = hosts.sh(h, `docker service inspect $(docker service ls -q --filter label=com.docker.stack.namespace=${project()})`);
    const stackFile = hosts.sh(h, `cat ~/.berth/releases/${name}/swarm/1/docker-stack.yaml`);
    const record = fs.readFileSync(path.join(sb.home, 'releases', name, '1.json'), 'utf8');
    for (const key of ['API_TOKEN', 'DB_PASSWORD']) {
      for (const text of [specs, stackFile, record]) expect(text).not.toContain(secretOf(key));
    }
    expect(hosts.sh(h, `docker secret ls --format '{{.Name}}' --filter label=dev.berth.stack=${project()}`).split('\n').filter(Boolean).map((x) => x.replace(/_[0-9a-f]{12}$/, '')).sort()).toEqual([
      `${project()}_API_TOKEN`,
      `${project()}_DB_PASSWORD`,
    ]);
    const [first] = JSON.parse((await berth(['releases', name, '--json'])).stdout).releases;
    expect(first).toMatchObject({ number: 1, result: 'healthy', nodes: { swarm: { target: 'swarm', result: 'healthy' } } });
  });

  it("a release whose app fails its health check is rolled back by Swarm's update itself; berth says so and the data is still there", async () => {
    psql('create table kept (x int); insert into kept values (42)');
    const r = await berth(['deploy', name, '--ship-images', '--tag', 'bad', '--timeout', '180s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`release 2 of stack ${name} failed on node swarm: service api`);
    expect(r.stderr).toContain('Swarm rolled it back');
    expect(r.stderr).toContain('rolled back swarm to release 1 (healthy again)');
    const [second] = JSON.parse((await berth(['releases', name, '--json'])).stdout).releases;
    expect(second).toMatchObject({ number: 2, result: 'rolled-back', nodes: { swarm: { result: 'rolled-back', failedService: 'api' } } });
    expect(hosts.sh(h, `readlink ~/.berth/releases/${name}/swarm/current`).trim()).toBe('1');
    const api = tasks('api');
    expect(api).toHaveLength(2);
    for (const c of api) expect(hosts.sh(h, `docker inspect -f '{{.Image}} {{.State.Health.Status}}' ${c}`).trim()).toBe(`${ids.good} healthy`);
    expect(JSON.parse(hosts.sh(h, `docker exec ${api[0]} curl -s localhost:8000/check`))).toEqual({ postgres: 'ok' });
    expect(psql('select x from kept')).toBe('42');
  });

  it('status, scale and logs read and change the Swarm stack through the node', async () => {
    const st = await berth(['status', name, '--node', 'swarm', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ project: project(), ready: true, services: [{ name: 'api', running: 2, replicas: 2, state: 'ready' }, { name: 'db', running: 1, replicas: 1, state: 'ready' }, { name: 'migrate', role: 'job', state: 'complete' }] });
    const sc = await berth(['scale', name, 'api=3', '--node', 'swarm']);
    expect(sc.code, sc.stderr).toBe(0);
    expect(tasks('api')).toHaveLength(3);
    const text = await berth(['status', name, '--node', 'swarm']);
    expect(text.stdout).toMatch(/^api +ready.* +3\/3 /m);
    const logs = await berth(['logs', name, 'api', '--node', 'swarm', '--tail', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^api\.\d+@host-0 +\| .*GET \/health/m);
    expect((await berth(['status', name, '--node', 'nowhere'])).code).toBe(2);
  });

  it('logs --node -f follows the Swarm services line by line until Ctrl-C, and leaves no follow running on the manager', async () => {
    // db logs next to nothing once up: its follow on the manager must end with berth's, not at its next line.
    const follow = sb.start(['logs', name, 'db', 'api', '--node', 'swarm', '-f', '--tail', '2'], { BERTH_SSH_CONFIG: hosts.sshConfig });
    const following = () => hosts.sh(h, "pgrep -fc '^docker service logs --follow' || true").trim();
    await until('lines of api to be followed', async () => (follow.output().match(/^api\.\d+@host-0 +\| .*GET \/health/gm)?.length ?? 0) > 3, 60_000, 500);
    expect(following()).toBe('2');
    const code = await follow.interrupt();
    expect([0, 130], follow.stderr()).toContain(code);
    expect(follow.stderr()).not.toContain('error');
    await until('the follows on the manager to end', async () => following() === '0', 15_000, 300);
  });

  it('berth rollback after a good deploy brings release 1 back on the Swarm, without the service release 1 did not run', async () => {
    await sb.generate(name, stackYaml(`  web:\n    component: app\n    node: swarm\n    image: "${repo}:\${IMAGE_TAG}"\n    health: /health\n    memory: 64m\n`));
    const up = await berth(['deploy', name, '--ship-images', '--tag', 'v2']);
    expect(up.code, up.stderr).toBe(0);
    expect(tasks('web')).toHaveLength(1);
    // The secrets every kept release names stay after the deploy's clean-up.
    expect(hosts.sh(h, `docker secret ls -q --filter label=dev.berth.stack=${project()}`).split('\n').filter(Boolean)).toHaveLength(2);
    for (const c of tasks('api')) expect(hosts.sh(h, `docker inspect -f '{{.Image}}' ${c}`).trim()).toBe(ids.v2);
    const r = await berth(['rollback', name, '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('swarm runs release 1');
    const api = tasks('api');
    expect(api).toHaveLength(2);
    for (const c of api) expect(hosts.sh(h, `docker inspect -f '{{.Image}} {{.State.Health.Status}}' ${c}`).trim()).toBe(`${ids.good} healthy`);
    expect(hosts.sh(h, `readlink ~/.berth/releases/${name}/swarm/current`).trim()).toBe('1');
    expect(hosts.sh(h, `docker service ls --format '{{.Name}}' --filter label=com.docker.stack.namespace=${project()}`).split('\n').filter(Boolean).sort()).toEqual(
      ['api', 'db', 'migrate'].map((x) => `${project()}_${x}`),
    );
    expect(psql('select x from kept')).toBe('42');
  });
});
