/**
 * Releases of a stack on this machine, on the real engine: every berth up
 * that waits for health is one (files, images with their ids, variables);
 * after an up with another image tag and a regenerate that changed the app,
 * `berth rollback <stack> 1` puts release 1's files and image back and waits
 * for health, keeping the database's password and its data.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from './harness.js';
import { buildImage } from './hosts.js';

const engine = inject('engine');

describe.skipIf(!engine)('releases of berth up, and rollback, on this machine', () => {
  const repo = `berth-e2e-here-${randomBytes(3).toString('hex')}/app`;
  const ids: Record<string, string> = {};
  let sb: Sandbox;
  let name: string;
  const spec = (env = '') => `vars: {IMAGE_TAG: good}
services:
  db: {component: postgres}
  api:
    component: app
    image: "${repo}:\${IMAGE_TAG}"
    health: /health
    healthcheck: {interval: 1s, retries: 3, startPeriod: 1s}
    uses: [db]${env}
`;
  const stackFile = (f: string) => fs.readFileSync(path.join(sb.home, 'stacks', name, f), 'utf8');
  const running = async (service: string) => {
    const [c] = await sb.containers(name, service, false);
    // berth judges readiness by its own probe, before Docker's first health check: the image is what tells releases apart.
    return execFileSync('docker', ['inspect', '-f', '{{.Image}}', c!.Id], { encoding: 'utf8' }).trim();
  };
  const psql = (sql: string) => sb.berth(['exec', name, 'db', '--', 'psql', '-U', 'app', '-d', 'app', '-tAc', sql]);

  beforeAll(async () => {
    sb = new Sandbox();
    ids.good = buildImage(`${repo}:good`, 'FROM berth-test/app:latest\nLABEL release=good\n');
    ids.v2 = buildImage(`${repo}:v2`, 'FROM berth-test/app:latest\nLABEL release=v2\n');
    name = sb.name('here');
    await sb.generate(name, spec());
  }, 300_000);

  afterAll(async () => {
    await sb?.cleanup();
    execFileSync('docker', ['rmi', '-f', `${repo}:good`, `${repo}:v2`], { stdio: 'ignore' });
  });

  it('records each up as a release, and rollback 1 brings back its files and image with the data and secrets kept', async () => {
    expect((await sb.berth(['up', name, '--timeout', '120'])).code).toBe(0);
    expect((await psql('create table kept (x int); insert into kept values (7)')).code).toBe(0);
    const up2 = await sb.berth(['up', name, '--var', 'IMAGE_TAG=v2', '--timeout', '120']);
    expect(up2.code, up2.stderr).toBe(0);
    expect(await running('api')).toBe(ids.v2);
    await sb.generate(name, spec('\n    env: {FEATURE: "on"}'));
    expect((await sb.berth(['up', name, '--var', 'IMAGE_TAG=v2', '--timeout', '120'])).code).toBe(0);
    expect(stackFile('docker-compose.yaml')).toContain('FEATURE');
    const password = /^DB_PASSWORD=(.*)$/m.exec(stackFile('.env'))![1];

    const list = JSON.parse((await sb.berth(['releases', name, '--json'])).stdout);
    expect(list.current).toEqual({ here: 3 });
    expect(list.releases.map((r: any) => [r.number, r.result, r.vars, r.nodes.here.images.find((i: any) => i.service === 'api')?.id])).toEqual([
      [3, 'healthy', { IMAGE_TAG: 'v2' }, ids.v2],
      [2, 'healthy', { IMAGE_TAG: 'v2' }, ids.v2],
      [1, 'healthy', {}, ids.good],
    ]);
    const records = fs.readdirSync(path.join(sb.home, 'releases', name)).filter((f) => f.endsWith('.json')).map((f) => fs.readFileSync(path.join(sb.home, 'releases', name, f), 'utf8'));
    for (const r of records) expect(r).not.toContain(password);
    const table = await sb.berth(['releases', name]);
    expect(table.stdout).toMatch(/^3 .* here\* /m);

    const back = await sb.berth(['rollback', name, '1', '--timeout', '120']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('here runs release 1');
    expect(await running('api')).toBe(ids.good);
    expect(stackFile('docker-compose.yaml')).not.toContain('FEATURE');
    expect(/^DB_PASSWORD=(.*)$/m.exec(stackFile('.env'))![1]).toBe(password);
    expect((await psql('select x from kept')).stdout.trim()).toBe('7');
    expect(JSON.parse((await sb.berth(['releases', name, '--json'])).stdout).current).toEqual({ here: 1 });
    // A later berth status sees release 1's services as they run.
    expect((await sb.berth(['status', name])).code).toBe(0);
  });
});
