/**
 * berth deploy across two real hosts over real ssh, in the shape of seed 003:
 * the core node (host A) runs PostgreSQL and an app, the workers node (host
 * B) a worker that reaches A's database at A's address and published port.
 * Prometheus on A scrapes the worker on B at B's address and published port.
 * Then a release whose app fails its health check is rolled back by itself
 * (the data written before it still there), a good release goes on, and
 * berth rollback brings release 1 back, images and all. status and logs
 * --node read a node's services from its engine over ssh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, until } from './harness.js';
import { HOST_IMAGE, TestHosts, buildImage, type TestHost } from './hosts.js';

const engine = inject('engine');

interface Release {
  number: number;
  result: string;
  nodes: Record<string, { result: string; failedService?: string; images: { service: string; ref: string; id: string }[] }>;
}

describe.skipIf(!engine)('deploy to other hosts over ssh', () => {
  const repo = `berth-e2e-deploy-${randomBytes(3).toString('hex')}/app`;
  const ids: Record<string, string> = {};
  let sb: Sandbox;
  let hosts: TestHosts;
  let a: TestHost;
  let b: TestHost;
  let name: string;
  const berth = (args: string[]) => sb.berth(args, { env: { BERTH_SSH_CONFIG: hosts.sshConfig } });
  const releases = async (...more: string[]): Promise<Release[]> => JSON.parse((await berth(['releases', name, '--json', ...more])).stdout).releases;
  const container = (h: TestHost, service: string) => hosts.sh(h, `docker ps -q --filter label=com.docker.compose.service=${service}`).trim();
  const psql = (sql: string) => hosts.sh(a, `docker exec ${container(a, 'db')} psql -U app -d app -tAc "${sql}"`).trim();

  beforeAll(async () => {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    sb = new Sandbox();
    hosts = new TestHosts();
    ids.good = buildImage(`${repo}:good`, 'FROM berth-test/app:latest\nLABEL release=good\n');
    ids.v2 = buildImage(`${repo}:v2`, 'FROM berth-test/app:latest\nLABEL release=v2\n');
    // Serves /healthz instead of /health: its health check gets 404s.
    ids.bad = buildImage(`${repo}:bad`, 'FROM berth-test/app:latest\nRUN sed -i \'s#path == "/health"#path == "/healthz"#\' /usr/local/bin/test-app\n');
    [a, b] = (await hosts.start(2)) as [TestHost, TestHost];
    // The stand-ins the stack runs on, once per host volume; the app's own images go with --ship-images.
    await Promise.all([hosts.load(a, ['berth-test/postgres:latest', 'berth-test/postgres-exporter:latest', 'berth-test/prometheus:latest', 'berth-test/app:latest']), hosts.load(b, ['berth-test/app:latest'])]);
    name = sb.name('deploy');
    await sb.generate(
      name,
      `nodes:
  core: {host: "${a.url}"}
  workers: {host: "${b.url}"}
vars: {IMAGE_TAG: good}
services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0, memory: 256m}
  api:
    component: app
    node: core
    image: "${repo}:\${IMAGE_TAG}"
    port: 8000
    health: /health
    healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}
    memory: 128m
  worker:
    component: worker
    node: workers
    app: api
    command: [test-app]
    health: /check
    port: 5003
    containerPort: 8000
    metrics: true
    uses: [db]
    memory: 128m
  prometheus: {node: core, port: 9090, bind: 0.0.0.0, memory: 256m}
`,
    );
  });

  afterAll(async () => {
    await hosts?.stop();
    await sb?.cleanup();
    execFileSync('docker', ['rmi', '-f', `${repo}:good`, `${repo}:v2`, `${repo}:bad`], { stdio: 'ignore' });
  });

  it('deploys the core and the workers node; the worker reaches the core\'s database across hosts', async () => {
    const r = await berth(['deploy', name, '--ship-images']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Release 1 of stack ${name} is healthy on core, workers`);
    const check = hosts.sh(b, `docker exec ${container(b, 'worker')} curl -s localhost:8000/check`);
    expect(JSON.parse(check)).toEqual({ postgres: 'ok' });
    expect(hosts.sh(b, `docker exec ${container(b, 'worker')} printenv POSTGRES_HOST POSTGRES_PORT`).split('\n')).toEqual([a.address, '5432', '']);
    // Prometheus on A scrapes the worker on B, at B's address and the port it publishes there.
    const target = await until('Prometheus on A to scrape the worker on B', async () => {
      const body = hosts.sh(b, `docker exec ${container(b, 'worker')} curl -s http://${a.address}:9090/api/v1/targets`);
      const t = (JSON.parse(body).data.activeTargets as { labels: { job: string; instance: string }; health: string }[]).find((x) => x.labels.job === 'worker');
      return t?.health === 'up' && t;
    }, 120_000, 2000);
    expect(target.labels.instance).toBe(`${b.address}:5003`);
    // The release folder holds the node's bundle; .env is private; current names it.
    expect(hosts.sh(a, `stat -c %a ~/.berth/releases/${name}/core/1/.env; readlink ~/.berth/releases/${name}/core/current`).split('\n')).toEqual(['600', '1', '']);
    const [first] = await releases();
    expect(first).toMatchObject({ number: 1, result: 'healthy', nodes: { core: { result: 'healthy' }, workers: { result: 'healthy' } } });
    expect(first!.nodes.core!.images.find((i) => i.service === 'api')).toMatchObject({ ref: `${repo}:good`, id: ids.good });
    const text = await berth(['releases', name]);
    expect(text.stdout).toMatch(new RegExp(`^1 .* healthy +core\\*, workers\\* `, 'm'));
  });

  it("status and logs of a Compose node are read from that node's engine over ssh: its services, their last lines, and a follow until Ctrl-C", async () => {
    const st = await berth(['status', name, '--node', 'core', '--json']);
    expect(st.code, st.stderr).toBe(0);
    const json = JSON.parse(st.stdout);
    expect(json).toMatchObject({ stack: name, node: 'core', target: 'compose', project: `${name}-core`, release: 1 });
    const services = json.services as { name: string; ready: boolean; containers: { state: string; health: string | null; image: string }[] }[];
    for (const n of ['api', 'db', 'prometheus']) expect(services.find((v) => v.name === n), n).toMatchObject({ ready: true, containers: [{ state: 'running' }] });
    expect(services.find((v) => v.name === 'api')!.containers[0]).toMatchObject({ health: 'healthy', image: `${repo}:good` });
    // No service of the workers node there, and this machine's engine has none of them.
    expect(services.some((v) => v.name === 'worker')).toBe(false);
    expect(await sb.containers(`${name}-core`)).toEqual([]);
    const text = await berth(['status', name, '--node', 'workers']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Compose project ${name}-workers on node workers, release 1`);
    expect(text.stdout).toMatch(/^worker +healthy +healthy +5003->8000\/tcp +0 +/m);

    const logs = await berth(['logs', name, 'api', '--node', 'core', '--tail', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const l of lines) expect(l).toMatch(/^api-1 \| /);
    expect(logs.stdout).toContain('GET /health');

    const follow = sb.start(['logs', name, 'api', '--node', 'core', '-f', '--tail', '0', '--json'], { BERTH_SSH_CONFIG: hosts.sshConfig });
    const marker = `/e2e-node-marker-${randomBytes(3).toString('hex')}`;
    await until('the request on core to be followed', async () => {
      hosts.sh(a, `docker exec ${container(a, 'api')} curl -s -o /dev/null localhost:8000${marker}`);
      return follow.output().includes(marker);
    }, 60_000, 1000);
    expect(await follow.interrupt()).toBe(0);
    const records = follow.output().trim().split('\n').map((l) => JSON.parse(l));
    expect(records.find((r) => r.line.includes(marker))).toMatchObject({ service: 'api', replica: 1, container: expect.stringContaining(`${name}-core`) });
    // The connection to the node went with the command: no ssh of berth's is left running for it.
    await until('berth\'s ssh to core to end', async () => !spawnSync('pgrep', ['-f', `berth-ssh-.*root@${a.address}`]).stdout.length, 10_000, 200);
  });

  it('plain status of the stack lists its nodes as deployed and names the command that asks one', async () => {
    const r = await berth(['status', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^core +${a.url.replace(/[./]/g, '\\$&')} +Compose +1 +healthy$`, 'm'));
    expect(r.stdout).toContain(`berth status ${name} --node core`);
  });

  it("scale of a Compose node's service runs there, with the same checks as here", async () => {
    const refused = await berth(['scale', name, 'worker=2', '--node', 'workers']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('berth: error: scale: worker publishes host port 5003, which 2 replicas cannot share; drop its port (put nginx in front) or use scale: in stack.yaml for one port per instance\n');
    const before = container(b, 'worker');
    const r = await berth(['scale', name, 'worker=1', '--node', 'workers']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Scaled worker to 1 on node workers');
    expect(container(b, 'worker')).toBe(before);
  });

  it('a release whose app fails its health check is rolled back by itself; the data written before it is still there', async () => {
    psql('create table kept (x int); insert into kept values (42)');
    const r = await berth(['deploy', name, '--ship-images', '--tag', 'bad', '--timeout', '60s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`release 2 of stack ${name} failed on node core: service api is unhealthy`);
    expect(r.stderr).toContain('rolled back core to release 1 (healthy again)');
    expect(r.stderr).toContain('404');
    expect(hosts.sh(a, `readlink ~/.berth/releases/${name}/core/current`).trim()).toBe('1');
    expect(hosts.sh(a, `docker inspect -f '{{.Image}} {{.State.Health.Status}}' ${container(a, 'api')}`).trim()).toMatch(new RegExp(`^${ids.good} (healthy|starting)$`));
    expect(psql('select x from kept')).toBe('42');
    const [second] = await releases();
    expect(second).toMatchObject({ number: 2, result: 'rolled-back', nodes: { core: { result: 'rolled-back', failedService: 'api' } } });
    // The workers node was never reached: its release 1 runs on.
    expect(second!.nodes.workers).toBeUndefined();
  });

  it('berth rollback after a good second deploy brings release 1 back, images and all', async () => {
    const up = await berth(['deploy', name, '--ship-images', '--tag', 'v2']);
    expect(up.code, up.stderr).toBe(0);
    expect(hosts.sh(a, `docker inspect -f '{{.Image}}' ${container(a, 'api')}`).trim()).toBe(ids.v2);
    const r = await berth(['rollback', name, '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('core runs release 1, workers runs release 1');
    expect(hosts.sh(a, `docker inspect -f '{{.Image}}' ${container(a, 'api')}`).trim()).toBe(ids.good);
    expect(hosts.sh(b, `docker inspect -f '{{.Image}}' ${container(b, 'worker')}`).trim()).toBe(ids.good);
    expect(hosts.sh(b, `readlink ~/.berth/releases/${name}/workers/current`).trim()).toBe('1');
    expect(psql('select x from kept')).toBe('42');
    expect((await releases('--node', 'workers')).map((x) => x.number)).toEqual([3, 1]);
    const text = await berth(['releases', name]);
    expect(text.stdout).toMatch(new RegExp(`^1 .* core\\*, workers\\* `, 'm'));
  });
});
