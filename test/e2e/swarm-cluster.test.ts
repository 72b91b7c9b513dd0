/**
 * berth deploy --swarm to a Swarm of two real test hosts (each its own
 * dockerd, joined over the engine's bridge; Swarm never runs on the shared
 * engine): the database, pinned to the manager with its volume, and two
 * app replicas placed on the worker by `placement:` come up healthy, and
 * the replicas on the worker reach the database on the manager across the
 * overlay network with the password from a Swarm secret. berth warns that
 * --ship-images reaches the manager only; status and logs through the
 * manager see the tasks on both machines.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from './harness.js';
import { HOST_IMAGE, TestHosts, type TestHost } from './hosts.js';

const engine = inject('engine');
const APP = 'berth-test/app:latest';
const DB = 'berth-test/postgres:latest';

describe.skipIf(!engine)('deploy to a two-node Docker Swarm over ssh', () => {
  let sb: Sandbox;
  let hosts: TestHosts;
  let manager: TestHost;
  let worker: TestHost;
  let name: string;
  const project = () => `${name}-cluster`;
  const berth = (args: string[]) => sb.berth(args, { env: { BERTH_SSH_CONFIG: hosts.sshConfig } });
  /** Where each task of a service runs and in which state, as the manager says. */
  const placed = (service: string) => hosts.sh(manager, `docker service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' ${project()}_${service}`).split('\n').filter(Boolean);

  beforeAll(async () => {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    sb = new Sandbox();
    hosts = new TestHosts();
    [manager, worker] = (await hosts.start(2)) as [TestHost, TestHost];
    hosts.sh(manager, `docker swarm init --advertise-addr ${manager.address} >/dev/null`);
    const token = hosts.sh(manager, 'docker swarm join-token -q worker').trim();
    hosts.sh(worker, `docker swarm join --token ${token} ${manager.address}:2377 >/dev/null`);
    // No registry here: the worker has the app's image already; berth ships the manager's.
    await hosts.load(worker, [APP]);
    name = sb.name('cluster');
    await sb.generate(name, `nodes:
  cluster: {host: "${manager.url}", target: swarm}
services:
  db: {component: postgres, node: cluster, memory: 256m}
  api:
    component: app
    node: cluster
    image: ${APP}
    replicas: 2
    health: /health
    healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}
    uses: [db]
    placement: ["node.role == worker"]
    memory: 128m
`);
  }, 600_000);

  afterAll(async () => {
    for (const h of [worker, manager]) if (h) hosts.ssh(h, ['sh', '-c', "'docker swarm leave --force >/dev/null 2>&1'"]);
    await hosts?.stop();
    await sb?.cleanup();
  });

  it('places the replicas on the worker, the database on the manager, and they reach it across the overlay', async () => {
    const r = await berth(['deploy', name, '--swarm', '--ship-images']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Release 1 of stack ${name} is healthy on cluster`);
    expect(r.stderr).toContain("cluster: images sent from here reach this manager only; the Swarm's other nodes (host-1) must have them already");
    expect(placed('db')).toEqual([expect.stringMatching(/^host-0 Running/)]);
    expect(placed('api')).toEqual([expect.stringMatching(/^host-1 Running/), expect.stringMatching(/^host-1 Running/)]);
    const api = hosts.sh(worker, `docker ps -q --filter label=com.docker.swarm.service.name=${project()}_api`).split('\n').filter(Boolean);
    expect(api).toHaveLength(2);
    for (const c of api) {
      expect(JSON.parse(hosts.sh(worker, `docker exec ${c} curl -s localhost:8000/check`))).toEqual({ postgres: 'ok' });
      expect(hosts.sh(worker, `docker inspect -f '{{.State.Health.Status}}' ${c}`).trim()).toBe('healthy');
    }
    expect(hosts.sh(worker, `docker image inspect -f '{{.Id}}' ${DB} 2>/dev/null || true`).trim()).toBe('');
  });

  it('status and logs through the manager see the tasks on both machines', async () => {
    const st = await berth(['status', name, '--node', 'cluster', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ ready: true, services: [{ name: 'api', running: 2, replicas: 2, state: 'ready' }, { name: 'db', running: 1, state: 'ready' }] });
    const logs = await berth(['logs', name, 'api', '--node', 'cluster', '--tail', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^api\.\d+@host-1 +\| .*GET \/health/m);
  });
});
