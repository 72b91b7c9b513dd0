/**
 * Secrets from the real `pass` deployed to a real test host over real ssh:
 * the database password is read from a throwaway password store on this
 * machine at deploy time and reaches Compose on the node through its
 * environment (sent on stdin), so the app reaches its database while no file
 * on the node (its releases, the Compose project folder, anywhere outside
 * the engine's own state) and no record here holds the value. A release that
 * fails its health gate is rolled back with the password read from pass
 * again, and the database still lets the app in. Here, berth up reads it
 * from pass at each start, and a store it cannot read starts nothing.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from './harness.js';
import { HOST_IMAGE, TestHosts, buildImage, type TestHost } from './hosts.js';
import { PassStore } from '../helpers/pass-store.js';

const engine = inject('engine');


/** Every file under dir that holds `value`. */
function filesHolding(dir: string, value: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).filter((f) => fs.readFileSync(f, 'utf8').includes(value));
}

describe.skipIf(!engine)('deploy with secrets from pass', () => {
  const repo = `berth-e2e-secrets-${randomBytes(3).toString('hex')}/app`;
  const password = `pw-${randomBytes(18).toString('base64url')}`;
  let sb: Sandbox;
  let hosts: TestHosts;
  let store: PassStore;
  let a: TestHost;
  let name: string;
  const berth = (args: string[], env: Record<string, string> = {}) => sb.berth(args, { env: { BERTH_SSH_CONFIG: hosts.sshConfig, ...store.env, ...env } });
  const container = (service: string) => hosts.sh(a, `docker ps -q --filter label=com.docker.compose.service=${service}`).trim();
  const check = () => JSON.parse(hosts.sh(a, `docker exec ${container('api')} curl -s localhost:8000/check`));
  /** Files on the node (outside /proc, /sys, /dev and the engine's own state) that hold the password: given on grep's stdin, not its command line. */
  /**
   * Files on the node that hold the password and stay: a file found by the
   * first look is looked at again a moment later, so what the container
   * runtime writes for an instant (an exec's process spec, with the
   * container's env, for each health check) is not taken for one at rest.
   */
  const onNode = async () => {
    const grep = (args: string[]) => hosts.ssh(a, ['grep', '-lF', '-f', '-', ...args], `${password}\n`);
    const first = grep(['-r', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '--exclude-dir=docker', '/']);
    expect([0, 1], first.stderr).toContain(first.status);
    const seen = first.stdout.split('\n').filter(Boolean);
    if (!seen.length) return [];
    await new Promise((r) => setTimeout(r, 2000));
    // A file gone since is no error: it was not at rest.
    return grep(['-s', ...seen]).stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    sb = new Sandbox();
    hosts = new TestHosts();
    store = new PassStore();
    store.insert('berth-e2e/db', `${password}\nuser: app\n`);
    buildImage(`${repo}:good`, 'FROM berth-test/app:latest\nLABEL release=good\n');
    buildImage(`${repo}:bad`, 'FROM berth-test/app:latest\nRUN sed -i \'s#path == "/health"#path == "/healthz"#\' /usr/local/bin/test-app\n');
    [a] = (await hosts.start(1)) as [TestHost];
    await hosts.load(a, ['berth-test/postgres:latest', 'berth-test/app:latest']);
    name = sb.name('secrets');
    const gen = await sb.generate(
      name,
      `nodes:
  core: {host: "${a.url}"}
vars: {IMAGE_TAG: good}
secrets:
  DB_PASSWORD: pass:berth-e2e/db
services:
  db: {component: postgres, node: core, memory: 256m}
  api:
    component: app
    node: core
    image: "${repo}:\${IMAGE_TAG}"
    port: 8000
    health: /health
    healthcheck: {interval: 1s, retries: 2, startPeriod: 1s}
    uses: [db]
    memory: 128m
`,
    );
    expect(gen.code, gen.stderr).toBe(0);
  });

  afterAll(async () => {
    await hosts?.stop();
    await sb?.cleanup();
    store?.close();
    execFileSync('docker', ['rmi', '-f', `${repo}:good`, `${repo}:bad`], { stdio: 'ignore' });
  });

  it('deploys with the password read from pass: the app reaches its database, and no file on the node or here holds the password', async () => {
    const r = await berth(['deploy', name, '--ship-images']);
    expect(r.code, r.stderr).toBe(0);
    expect(check()).toEqual({ postgres: 'ok' });
    // It reached the app through Compose's environment, and nothing else.
    expect(hosts.sh(a, `docker exec ${container('api')} printenv DATABASE_URL`)).toContain(`:${password}@db:5432/`);
    expect(hosts.sh(a, `cat ~/.berth/releases/${name}/core/1/.env`)).not.toMatch(/^DB_PASSWORD=/m);
    expect(await onNode()).toEqual([]);
    expect(filesHolding(sb.home, password)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(password);
    const show = await berth(['show', name, '--json']);
    expect(show.stdout).not.toContain(password);
    expect(JSON.parse(show.stdout).secretSources).toEqual({ DB_PASSWORD: { provider: 'pass', path: 'berth-e2e/db' } });
  });

  it('a release that fails its health gate is rolled back with the password read from pass again; the app still reaches its database', async () => {
    const r = await berth(['deploy', name, '--ship-images', '--tag', 'bad', '--timeout', '60s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`release 2 of stack ${name} failed on node core: service api is unhealthy`);
    expect(r.stderr).toContain('rolled back core to release 1 (healthy again)');
    expect(hosts.sh(a, `readlink ~/.berth/releases/${name}/core/current`).trim()).toBe('1');
    expect(check()).toEqual({ postgres: 'ok' });
    expect(await onNode()).toEqual([]);
    expect(filesHolding(sb.home, password)).toEqual([]);
  });

  it('berth rollback reads it again too; a pass that cannot give it stops the deploy before any node is touched, naming the secret', async () => {
    const r = await berth(['rollback', name, '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(check()).toEqual({ postgres: 'ok' });
    const broken = await berth(['deploy', name], { PASSWORD_STORE_DIR: path.join(store.dir, 'elsewhere') });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^berth: error: secret DB_PASSWORD \(from pass:berth-e2e\/db\): /);
    expect(hosts.sh(a, `ls ~/.berth/releases/${name}/core | tr '\\n' ' '`).trim()).toBe(`1 2 current`);
  });
});

describe.skipIf(!engine)('up with secrets from pass', () => {
  const password = `pw-${randomBytes(18).toString('base64url')}`;
  let sb: Sandbox;
  let store: PassStore;
  let name: string;

  beforeAll(async () => {
    sb = new Sandbox();
    store = new PassStore();
    store.insert('berth-e2e/local-db', `${password}\n`);
    name = sb.name('secrets-up');
    await sb.generate(
      name,
      `secrets:
  DB_PASSWORD: pass:berth-e2e/local-db
services:
  db: {component: postgres, memory: 256m}
  api: {component: app, image: "berth-test/app:latest", health: /health, uses: [db], memory: 128m}
`,
    );
  });

  afterAll(async () => {
    await sb?.cleanup();
    store?.close();
  });

  it('starts the stack with the password read from pass, kept on no disk of berth\'s; down and up again read it again', async () => {
    const up = await sb.berth(['up', name], { env: store.env });
    expect(up.code, up.stderr).toBe(0);
    const api = (await sb.containers(name, 'api'))[0]!.Id;
    const check = () => execFileSync('docker', ['exec', api, 'curl', '-s', 'localhost:8000/check'], { encoding: 'utf8' });
    expect(JSON.parse(check())).toEqual({ postgres: 'ok' });
    expect(filesHolding(sb.home, password)).toEqual([]);
    expect((await sb.berth(['down', name])).code).toBe(0);
    // Without the store, up says which secret it could not read and starts nothing.
    const broken = await sb.berth(['up', name], { env: { ...store.env, PASSWORD_STORE_DIR: path.join(store.dir, 'elsewhere') } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^berth: error: secret DB_PASSWORD \(from pass:berth-e2e\/local-db\): /);
    expect(await sb.running(name, 'db')).toBe(0);
    const again = await sb.berth(['up', name], { env: store.env });
    expect(again.code, again.stderr).toBe(0);
    const api2 = (await sb.containers(name, 'api'))[0]!.Id;
    expect(JSON.parse(execFileSync('docker', ['exec', api2, 'curl', '-s', 'localhost:8000/check'], { encoding: 'utf8' }))).toEqual({ postgres: 'ok' });
  });
});
