/**
 * deploy, rollback and releases called as operations, against nodes faked at
 * the runner: the exact ssh argv berth runs, up's start and health gate on
 * each node's engine, a failure on a later node undone on every node, and
 * release records that hold no secret value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateStack } from '../../src/ops/generate.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { deployStack } from '../../src/ops/deploy.js';
import { rollbackStack } from '../../src/ops/rollback.js';
import { listReleases } from '../../src/ops/releases.js';
import { parseEnv } from '../../src/render/env.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { FakeNode, fakeNodes } from '../helpers/fake-nodes.js';

const SPEC = `nodes:
  core: {host: "ssh://deploy@core.example:2222", address: 10.0.0.5}
  workers: {host: "ssh://workers.example"}
vars: {API_TAG: good, WORKER_TAG: good}
services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0}
  api: {component: app, node: core, image: "x/api:\${API_TAG}", port: 8000, health: /health, secrets: [JWT_SECRET], uses: [db]}
  worker: {component: worker, node: workers, image: "x/worker:\${WORKER_TAG}", command: [work], health: /health, uses: [db]}
`;

async function setup(spec = SPEC, env: Record<string, string> = { USER: 'ci' }) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-deploy-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const nodes = { 'deploy@core.example': new FakeNode('/home/deploy'), 'workers.example': new FakeNode('/root') };
  const { runner, connect } = fakeNodes(nodes);
  const deps = Object.assign(testDeps(home, { runner, env }), { connect });
  await generateStack(deps, { name: 'shop', ...loadSpec(deps, 'shop', { text: spec, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  const secrets = Object.entries(parseEnv(fs.readFileSync(path.join(home, 'stacks', 'shop', '.env'), 'utf8'))).filter(([k]) => /PASSWORD|SECRET/.test(k));
  return { home, deps, runner, core: nodes['deploy@core.example'], workers: nodes['workers.example'], secrets };
}

const SSH = ['ssh', '-o', 'BatchMode=yes', '-o', 'ControlMaster=auto'];

describe('deploy', () => {
  it('puts each node\'s release in place over one ssh connection per node, starts it as up does, and records it', async () => {
    const { deps, runner, core, workers } = await setup();
    const r = await deployStack(deps, 'shop', { timeoutMs: 5000 });
    expect(r).toMatchObject({ number: 1, result: 'healthy', by: expect.stringMatching(/^ci@/), nodes: { core: { result: 'healthy' }, workers: { result: 'healthy' } } });
    const ssh = runner.commands.map((c) => c.argv);
    const opts = (dest: string) => [...SSH, '-o', `ControlPath=/run/berth-test/${dest}/master`, '-o', 'ControlPersist=60', '-o', 'ServerAliveInterval=15'];
    expect(ssh[0]).toEqual([...opts('deploy@core.example'), '-p', '2222', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-L', '/run/berth-test/deploy@core.example/docker.sock:/var/run/docker.sock', '--', 'deploy@core.example', 'exec true']);
    const dir = '/home/deploy/.berth/releases/shop/core/1';
    expect(ssh).toContainEqual([
      ...opts('deploy@core.example'), '-p', '2222', '--', 'deploy@core.example',
      `cd ${dir} && exec docker-compose --project-name shop-core --project-directory ${dir} --file ${dir}/docker-compose.yaml up --no-start --remove-orphans --no-deps db`,
    ]);
    expect(ssh).toContainEqual([...opts('workers.example'), '--', 'workers.example', "exec sh -c 'ln -sfn \"$1\" \"$2.new\" && mv -fT \"$2.new\" \"$2\"' sh 1 /root/.berth/releases/shop/workers/current"]);
    // One connection per node, closed at the end.
    expect(ssh.filter((a) => a.includes('-L')).length).toBe(2);
    expect(ssh.filter((a) => a.includes('-O')).length).toBe(2);
    expect([core.current, workers.current]).toEqual([1, 1]);
    expect(core.files.get(`${dir}/.env`)).toContain('JWT_SECRET=');
    expect(workers.files.get('/root/.berth/releases/shop/workers/1/.env')).not.toContain('JWT_SECRET');
    expect(listReleases(deps, 'shop')).toMatchObject({ releases: [{ number: 1 }], current: { core: 1, workers: 1 } });
  });

  it('a release that fails its gate on a later node is undone on every node it reached, back to the release each ran', async () => {
    const { deps, core, workers } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000 });
    const failed = deployStack(deps, 'shop', { timeoutMs: 5000, vars: ['API_TAG=v2', 'WORKER_TAG=bad'] });
    await expect(failed).rejects.toThrow(/^release 2 of stack shop failed on node workers: service worker is unhealthy after [\d.]+s: its healthcheck keeps failing; rolled back workers to release 1, core to release 1 \(healthy again\)$/);
    await expect(failed).rejects.toMatchObject({ code: 'not_ready', path: 'services.worker' });
    expect([core.current, workers.current]).toEqual([1, 1]);
    const image = (n: FakeNode, s: string) => n.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === s)?.Image;
    expect([image(core, 'api'), image(workers, 'worker')]).toEqual(['x/api:good', 'x/worker:good']);
    const [second] = listReleases(deps, 'shop').releases;
    expect(second).toMatchObject({ number: 2, result: 'rolled-back', vars: { API_TAG: 'v2', WORKER_TAG: 'bad' }, nodes: { core: { result: 'rolled-back', previous: 1 }, workers: { result: 'rolled-back', failedService: 'worker' } } });
    const onNode = (n: FakeNode, file: string) => JSON.parse(n.files.get(file)!) as { result: string; nodes: Record<string, { result: string }> };
    expect(onNode(core, '/home/deploy/.berth/releases/shop/core/2/release.json')).toMatchObject({ result: 'rolled-back', nodes: { core: { result: 'rolled-back' } } });
    expect(onNode(workers, '/root/.berth/releases/shop/workers/2/release.json').nodes.workers!.result).toBe('rolled-back');
  });

  it('rollback puts release N back on every node; with no N, the last healthy release before the running one', async () => {
    const { deps, core, workers } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000 });
    await deployStack(deps, 'shop', { timeoutMs: 5000, vars: ['API_TAG=v2'], nodes: ['core'] });
    expect([core.current, workers.current]).toEqual([2, 1]);
    expect(await rollbackStack(deps, 'shop', undefined, { timeoutMs: 5000 })).toEqual({ number: 1, nodes: { core: 1, workers: 1 } });
    expect(core.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === 'api')?.Image).toBe('x/api:good');
    expect(listReleases(deps, 'shop', { node: 'workers' }).releases.map((r) => r.number)).toEqual([1]);
    await expect(rollbackStack(deps, 'shop', 7, { timeoutMs: 5000 })).rejects.toThrow('stack shop has no release 7; berth releases shop lists them');
  });

  it('keeps the newest release folders on each node; an older release cannot be rolled back to there', async () => {
    const { deps, runner, core } = await setup();
    for (const tag of ['a', 'b', 'c']) await deployStack(deps, 'shop', { timeoutMs: 5000, vars: [`API_TAG=${tag}`], keep: 2 });
    expect(runner.commands.map((c) => c.argv.at(-1))).toContain('exec rm -rf /home/deploy/.berth/releases/shop/core/1');
    expect([...core.files.keys()].filter((f) => f.endsWith('/release.json'))).toEqual(['/home/deploy/.berth/releases/shop/core/2/release.json', '/home/deploy/.berth/releases/shop/core/3/release.json']);
    await expect(rollbackStack(deps, 'shop', 1, { timeoutMs: 5000 })).rejects.toThrow('release 1 is no longer on node core (/home/deploy/.berth/releases/shop/core); deploy again instead');
  });

  it('keeps no secret value in a release record, here or on the nodes', async () => {
    const { home, deps, core, workers, secrets } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000 });
    await deployStack(deps, 'shop', { timeoutMs: 5000, vars: ['WORKER_TAG=bad'] }).catch(() => undefined);
    const dir = path.join(home, 'releases', 'shop');
    const records = [
      ...fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
      ...[...core.files, ...workers.files].filter(([p]) => p.endsWith('/release.json')).map(([, text]) => text),
    ];
    // Here: releases 1 and 2 and current.json; on the nodes: each release's record beside its files.
    expect(records.length).toBe(3 + 4);
    expect(secrets.length).toBe(2);
    for (const text of records) for (const [name, value] of secrets) expect(text, name).not.toContain(value);
    const env = JSON.parse(records[0]!).nodes.core.files.find((f: { path: string }) => f.path === '.env');
    expect(env).toEqual({ path: '.env', mode: 0o600, secret: true });
  });

  it('carries secrets from a provider and from berth\'s environment to each node on stdin: on no command line, in no file there, in no record; read again to roll back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-secret-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'jwt'), 'jwt-from-file-0001\n', { mode: 0o600 });
    const values = { DB_PASSWORD: 'db-from-env-0001', JWT_SECRET: 'jwt-from-file-0001' };
    const spec = `secretsFromEnv: [DB_PASSWORD]\nsecrets: {JWT_SECRET: "file:${dir}/jwt"}\n${SPEC}`;
    const { home, deps, runner, core, workers } = await setup(spec, { USER: 'ci', DB_PASSWORD: values.DB_PASSWORD });
    expect(fs.readFileSync(path.join(home, 'stacks', 'shop', 'nodes', 'core', '.env'), 'utf8')).toContain(`#   JWT_SECRET from file:${dir}/jwt`);
    expect(await deployStack(deps, 'shop', { timeoutMs: 5000 })).toMatchObject({ result: 'healthy' });
    // Every Compose command on a node got them on stdin: core both, workers only what its worker uses.
    expect(core.stdinEnvs.length).toBeGreaterThan(2);
    for (const env of core.stdinEnvs) expect(env).toEqual(values);
    for (const env of workers.stdinEnvs) expect(env).toEqual({ DB_PASSWORD: values.DB_PASSWORD });
    await deployStack(deps, 'shop', { timeoutMs: 5000, vars: ['API_TAG=bad'] }).catch(() => undefined);
    expect(core.current).toBe(1);
    expect(core.stdinEnvs.at(-1)).toEqual(values);
    const dirOf = path.join(home, 'releases', 'shop');
    const everywhere = [
      ...runner.commands.map((c) => JSON.stringify(c.argv)),
      ...[...core.files.values(), ...workers.files.values()],
      ...fs.readdirSync(dirOf).map((f) => fs.readFileSync(path.join(dirOf, f), 'utf8')),
      fs.readFileSync(path.join(home, 'stacks', 'shop', '.env'), 'utf8'),
      ...deps.events.map((e) => JSON.stringify(e)),
    ];
    for (const text of everywhere) for (const value of Object.values(values)) expect(text).not.toContain(value);
    // Without the environment's value, nothing reaches a node.
    const bare = await setup(spec);
    await expect(deployStack(bare.deps, 'shop', { timeoutMs: 1000 })).rejects.toThrow(
      "DB_PASSWORD is not set: node core of stack shop reads it from berth's environment (secretsFromEnv); export it first",
    );
    expect(bare.runner.commands.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });

  it('refuses an unknown node, a --tag the stack has no variable for and a secret as a --var, before touching any node', async () => {
    const { deps, runner } = await setup();
    await expect(deployStack(deps, 'shop', { timeoutMs: 1000, nodes: ['edge'] })).rejects.toThrow('--node: edge is not a node of stack shop; its nodes: core, workers');
    await expect(deployStack(deps, 'shop', { timeoutMs: 1000, tag: 'v3' })).rejects.toThrow('--tag sets IMAGE_TAG, which stack shop does not have');
    await expect(deployStack(deps, 'shop', { timeoutMs: 1000, vars: ['JWT_SECRET=x'] })).rejects.toThrow('--var: JWT_SECRET is a secret of stack shop');
    expect(runner.commands.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });
});

describe('deploy --tag git', () => {
  const spec = SPEC.replace('vars: {API_TAG: good, WORKER_TAG: good}', 'vars: {API_TAG: good, WORKER_TAG: good, IMAGE_TAG: latest}');
  async function gitSetup(answer: { code: number; stdout?: string; stderr?: string }) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-deploy-git-'));
    onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
    const nodes = { 'deploy@core.example': new FakeNode('/home/deploy'), 'workers.example': new FakeNode('/root') };
    const { runner, connect } = fakeNodes(nodes, (cmd) => (cmd.argv[0] === 'git' ? answer : undefined));
    const deps = Object.assign(testDeps(home, { runner, env: { USER: 'ci' } }), { connect });
    await generateStack(deps, { name: 'shop', ...loadSpec(deps, 'shop', { text: spec, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
    return { home, deps, runner };
  }

  it('tags the release sha-<7> of the commit checked out where stack.yaml was written', async () => {
    const { home, deps, runner } = await gitSetup({ code: 0, stdout: '1a2b3c4\n' });
    const r = await deployStack(deps, 'shop', { timeoutMs: 5000, tag: 'git' });
    expect(r.vars).toEqual({ IMAGE_TAG: 'sha-1a2b3c4' });
    expect(runner.commands.map((c) => c.argv)).toContainEqual(['git', '-C', home, 'rev-parse', '--short=7', 'HEAD']);
  });

  it('outside a git checkout it says so and touches no node', async () => {
    const { deps, runner } = await gitSetup({ code: 128, stderr: 'fatal: not a git repository (or any of the parent directories): .git\n' });
    await expect(deployStack(deps, 'shop', { timeoutMs: 5000, tag: 'git' })).rejects.toThrow(/--tag git: .* is not in a git checkout with a commit \(fatal: not a git repository .*\); pass the tag itself \(--tag sha-1a2b3c4\)/);
    expect(runner.commands.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });
});

describe('deploy with a migration job', () => {
  it('a rollback says which jobs the failed release had already run on a node, whose changes to the data stay', async () => {
    const spec = SPEC.replace('services:\n', 'services:\n  migrate: {component: job, node: core, image: "x/api:${API_TAG}", command: [migrate], uses: [db]}\n');
    const { deps } = await setup(spec);
    await deployStack(deps, 'shop', { timeoutMs: 5000 });
    const failed = deployStack(deps, 'shop', { timeoutMs: 5000, vars: ['API_TAG=v2', 'WORKER_TAG=bad'] });
    await expect(failed).rejects.toThrow(/rolled back workers to release 1, core to release 1 \(release 2 had already run migrate there: what it changed in the data stays\) \(healthy again\)$/);
    const [second] = listReleases(deps, 'shop').releases;
    expect(second!.nodes.core).toMatchObject({ result: 'rolled-back', jobsRan: ['migrate'] });
    expect(second!.nodes.workers!.jobsRan).toBeUndefined();
  });
});
