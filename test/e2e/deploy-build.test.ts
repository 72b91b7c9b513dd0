/**
 * berth deploy of services that build their image (build:) to real hosts
 * over real ssh: a Compose node and a single-node Swarm. The images are built
 * on this machine from the app's context, named for the release and sent to
 * each node (no registry, no --ship-images); the nodes' release folders name
 * the image and no build. A change to the context makes a new image; a build
 * that fails touches no node; berth rollback 1 brings the first image back,
 * sent again from here to a node that no longer has it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from './harness.js';
import { HOST_IMAGE, TestHosts, type TestHost } from './hosts.js';

const engine = inject('engine');

interface Release {
  number: number;
  result: string;
  nodes: Record<string, { result: string; images: { service: string; ref: string; id: string; built?: true }[] }>;
}

describe.skipIf(!engine)('deploy of services built here, to other hosts over ssh', () => {
  let sb: Sandbox;
  let hosts: TestHosts;
  let a: TestHost;
  let b: TestHost;
  let name: string;
  let context: string;
  const first: Record<string, string> = {};
  const berth = (args: string[]) => sb.berth(args, { env: { BERTH_SSH_CONFIG: hosts.sshConfig } });
  const releases = async (): Promise<Release[]> => JSON.parse((await berth(['releases', name, '--json'])).stdout).releases;
  /** The image id the service's container runs: Compose's on host A, the Swarm task's on host B. */
  const runs = {
    api: () => hosts.sh(a, `docker inspect -f '{{.Image}}' $(docker ps -q --filter label=com.docker.compose.service=api)`).trim(),
    web: () => hosts.sh(b, `docker inspect -f '{{.Image}}' $(docker ps -q --filter label=com.docker.swarm.service.name=${name}-cluster_web)`).trim(),
  };
  const localId = (ref: string) => execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', ref], { encoding: 'utf8' }).trim();
  const dockerfile = (text: string) => fs.writeFileSync(path.join(context, 'Dockerfile'), text);

  beforeAll(async () => {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    sb = new Sandbox();
    hosts = new TestHosts();
    [a, b] = (await hosts.start(2)) as [TestHost, TestHost];
    hosts.sh(b, 'docker swarm init --advertise-addr 127.0.0.1 >/dev/null');
    // The base the app's Dockerfile starts from, on each host once per host volume: only the app's own layer travels.
    await Promise.all([hosts.load(a, ['berth-test/app:latest']), hosts.load(b, ['berth-test/app:latest'])]);
    name = sb.name('build');
    const dir = fs.mkdtempSync(path.join(sb.home, 'spec-'));
    context = path.join(dir, 'app');
    fs.mkdirSync(context);
    dockerfile('FROM berth-test/app:latest\nLABEL release=one\n');
    const app = 'build: ./app, health: /health, healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}, memory: 128m';
    fs.writeFileSync(
      path.join(dir, 'stack.yaml'),
      `nodes:
  app: {host: "${a.url}"}
  cluster: {host: "${b.url}", target: swarm}
services:
  api: {component: app, node: app, port: 8000, ${app}}
  web: {component: app, node: cluster, ${app}}
`,
    );
    const g = await berth(['generate', name, '-f', path.join(dir, 'stack.yaml')]);
    if (g.code !== 0) throw new Error(`generate failed: ${g.stderr}`);
  }, 600_000);

  afterAll(async () => {
    if (b) hosts.ssh(b, ['sh', '-c', "'docker swarm leave --force >/dev/null 2>&1'"]);
    await hosts?.stop();
    await sb?.cleanup();
    // The images this test built here, and only those.
    const mine = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${name}-*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (mine.length) execFileSync('docker', ['rmi', '-f', ...mine], { stdio: 'ignore' });
  });

  it('builds each image here, sends it to its node, and records the image the release runs', async () => {
    const r = await berth(['deploy', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Release 1 of stack ${name} is healthy on app, cluster`);
    const [one] = await releases();
    for (const [node, service] of [['app', 'api'], ['cluster', 'web']] as const) {
      const image = one!.nodes[node]!.images.find((i) => i.service === service)!;
      first[service] = localId(`${name}-${service}:local`);
      expect(image).toEqual({ service, ref: `${name}-${service}:id-${first[service]!.slice(7, 19)}`, id: first[service], built: true });
      expect(localId(image.ref)).toBe(first[service]);
    }
    expect(runs.api()).toBe(first.api);
    expect(runs.web()).toBe(first.web);
    // The node's release names the image, not a build, and no path of this machine.
    const compose = hosts.sh(a, `cat ~/.berth/releases/${name}/app/1/docker-compose.yaml ~/.berth/releases/${name}/app/1/.berth.json`);
    expect(compose).toContain(`image: ${name}-api:id-${first.api!.slice(7, 19)}`);
    expect(compose).not.toMatch(/build:|"build": true/);
    expect(compose).not.toContain(sb.home);
    expect(hosts.sh(b, `cat ~/.berth/releases/${name}/cluster/1/docker-stack.yaml`)).not.toMatch(/^\s+build:/m);
  });

  it('a change to the context builds a new image, named by --tag', async () => {
    dockerfile('FROM berth-test/app:latest\nLABEL release=two\n');
    const r = await berth(['deploy', name, '--tag', 'two']);
    expect(r.code, r.stderr).toBe(0);
    const [two] = await releases();
    expect(two!.nodes.app!.images).toEqual([{ service: 'api', ref: `${name}-api:two`, id: localId(`${name}-api:two`), built: true }]);
    expect(localId(`${name}-api:two`)).not.toBe(first.api);
    expect(runs.api()).toBe(localId(`${name}-api:two`));
    expect(runs.web()).toBe(localId(`${name}-web:two`));
  });

  it('a build that fails stops the deploy with its error before any node is touched', async () => {
    dockerfile('FROM berth-test/app:latest\nRUN exit 3\n');
    const r = await berth(['deploy', name, '--tag', 'three']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth: error: node \w+: building \w+ here failed: The command '\/bin\/sh -c exit 3' returned a non-zero code: 3; the deploy stopped before touching any node$/m);
    expect((await releases()).map((x) => x.number)).toEqual([2, 1]);
    expect(hosts.sh(a, `readlink ~/.berth/releases/${name}/app/current; ls ~/.berth/releases/${name}/app`).split('\n').filter(Boolean)).toEqual(['2', '1', '2', 'current']);
    expect(runs.api()).toBe(localId(`${name}-api:two`));
  });

  it('berth rollback 1 brings the first images back, sending one again to a node that no longer has it', async () => {
    for (const [h, service] of [[a, 'api'], [b, 'web']] as const) hosts.sh(h, `docker rmi -f ${name}-${service}:id-${first[service]!.slice(7, 19)} >/dev/null`);
    expect(hosts.ssh(a, ['docker', 'image', 'inspect', first.api!]).status).not.toBe(0);
    const r = await berth(['rollback', name, '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('app runs release 1, cluster runs release 1');
    expect(runs.api()).toBe(first.api);
    expect(runs.web()).toBe(first.web);
    expect(hosts.sh(a, `docker image inspect -f '{{.Id}}' ${name}-api:id-${first.api!.slice(7, 19)}`).trim()).toBe(first.api);
  });
});
