/**
 * status and logs of one node's part of a stack, called as operations against
 * nodes faked at the runner: a Compose node's services read from that node's
 * engine over its connection (closed after), the refusals that name the fix
 * before any node is reached, an unreachable node, and a Swarm service's log
 * followed line by line until its signal aborts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateStack } from '../../src/ops/generate.js';
import { loadSpec } from '../../src/ops/spec-source.js';
import { deployStack } from '../../src/ops/deploy.js';
import { composeNodeLogs, composeNodeScale, nodeStatus, nodeTarget } from '../../src/ops/compose-node.js';
import { stackStatus } from '../../src/ops/status.js';
import { openSsh } from '../../src/engine/remote.js';
import { followServiceLogs } from '../../src/engine/swarm.js';
import { RecordingRunner, type Command, type RunOptions, type RunResult, type Runner } from '../../src/engine/runner.js';
import type { LogRecord } from '../../src/ops/logs.js';
import { testDeps } from '../helpers/deps.js';
import { countingSecrets, fakeCert } from '../helpers/fakes.js';
import { FakeNode, fakeNodes } from '../helpers/fake-nodes.js';

const SPEC = `nodes:
  core: {host: "ssh://deploy@core.example:2222"}
  workers: {host: "ssh://workers.example", target: swarm}
services:
  db: {component: postgres, node: core, port: 5432, bind: 0.0.0.0}
  api: {component: app, node: core, image: "x/api:1", port: 8000, health: /health, uses: [db]}
  worker: {component: worker, node: workers, image: "x/worker:1", command: [work]}
`;

async function setup() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-node-views-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const core = new FakeNode('/home/deploy');
  const { runner, connect } = fakeNodes({ 'deploy@core.example': core, 'workers.example': new FakeNode('/root') });
  const deps = Object.assign(testDeps(home, { runner, env: { USER: 'ci' } }), { connect });
  await generateStack(deps, { name: 'shop', ...loadSpec(deps, 'shop', { text: SPEC, dir: home }), random: countingSecrets(), makeCert: fakeCert, probeHost: false });
  return { home, deps, runner, core };
}

const sshLines = (runner: RecordingRunner, from = 0) => runner.commands.slice(from).filter((c) => c.argv[0] === 'ssh').map((c) => c.argv.at(-1)!);

describe('a Compose node\'s status and logs', () => {
  it('refuse a node that runs no release yet, and an unknown node, before reaching any node', async () => {
    const { deps, runner } = await setup();
    await expect(nodeStatus(deps, 'shop', 'core')).rejects.toMatchObject({ code: 'usage', message: '--node: core runs no release of shop yet; berth deploy shop --node core puts one there' });
    expect(() => nodeTarget(deps, 'shop', 'workers')).toThrow('--node: workers runs no release of shop yet; berth deploy shop --node workers puts one there');
    await expect(composeNodeLogs(deps, 'shop', 'edge', { services: [], follow: false }, () => undefined)).rejects.toThrow('--node: edge is not a node of stack shop; its nodes: core, workers');
    expect(runner.commands).toEqual([]);
  });

  it('status reads the services of the release the node runs from its engine, over one connection closed after', async () => {
    const { deps, runner, core } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000, nodes: ['core'] });
    const from = runner.commands.length;
    const ns = await nodeStatus(deps, 'shop', 'core');
    expect(ns.target).toBe('compose');
    if (ns.target !== 'compose') return;
    expect(ns.status).toMatchObject({ stack: 'shop', node: 'core', project: 'shop-core', release: 1, ready: true });
    expect(ns.status.services.map((v) => [v.name, v.state, v.containers.map((c) => c.image)])).toEqual([
      ['api', 'healthy', ['x/api:1']],
      ['db', 'healthy', [core.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === 'db')!.Image]],
    ]);
    const lines = sshLines(runner, from);
    // The release folders looked at, no Compose command run, .env never read: the manifest comes from the record here.
    expect(lines.some((l) => l.includes('.berth/releases'))).toBe(true);
    expect(lines.filter((l) => /docker-compose|\.env/.test(l))).toEqual([]);
    expect(runner.commands.slice(from).filter((c) => c.argv.includes('-O')).length).toBe(1);
    // A container that stops is seen as such: the view is the node's engine now.
    Object.assign(core.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === 'api')!, { State: 'exited', Status: 'Exited (1) 1 second ago' });
    const again = await nodeStatus(deps, 'shop', 'core');
    expect(again.status.ready).toBe(false);
  });

  it('scale of a Compose node starts its release again for those services there, with its checks', async () => {
    const { deps, runner } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000, nodes: ['core'] });
    await expect(composeNodeScale(deps, 'shop', 'core', ['api=2'], { wait: false, timeoutMs: 5000 })).rejects.toThrow('scale: api publishes host port 8000, which 2 replicas cannot share');
    const from = runner.commands.length;
    expect(await composeNodeScale(deps, 'shop', 'core', ['api=1'], { wait: false, timeoutMs: 5000 })).toEqual({ api: 1 });
    const lines = sshLines(runner, from);
    expect(lines.some((l) => /^cd \/home\/deploy\/\.berth\/releases\/shop\/core\/1 && exec docker-compose --project-name shop-core .* up --no-start .*--no-deps --scale api=1 api$/.test(l))).toBe(true);
    // Under the node's lock, over one connection closed after.
    expect(lines.some((l) => l.includes('.berth/locks/shop-core.lock'))).toBe(true);
    expect(runner.commands.slice(from).filter((c) => c.argv.includes('-O')).length).toBe(1);
  });

  it('a stack that runs only on its nodes lists them with the release each runs, without asking them', async () => {
    const { deps, runner } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000, nodes: ['core'] });
    const from = runner.commands.length;
    const st = await stackStatus(deps, 'shop');
    expect(st.services).toEqual([]);
    expect(st.nodes).toEqual([
      { name: 'core', host: 'ssh://deploy@core.example:2222', target: 'compose', release: 1, result: 'healthy' },
      { name: 'workers', host: 'ssh://workers.example', target: 'swarm' },
    ]);
    expect(runner.commands.length).toBe(from);
  });

  it('logs are the node engine\'s records of the services asked for, the last lines of each with a tail', async () => {
    const { deps, core } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000, nodes: ['core'] });
    const api = core.engine.containers.find((c) => c.Labels['com.docker.compose.service'] === 'api')!;
    core.engine.logLines[api.Id] = ['one', 'two', 'three'].map((text, i) => ({ stream: 'stdout' as const, time: `2026-01-01T00:00:0${i}.000000000Z`, text }));
    const records: LogRecord[] = [];
    expect(await composeNodeLogs(deps, 'shop', 'core', { services: ['api'], follow: false, tail: 2 }, (r) => records.push(r))).toBe(1);
    expect(records.map((r) => [r.service, r.replica, r.line])).toEqual([['api', 1, 'two'], ['api', 1, 'three']]);
    await expect(composeNodeLogs(deps, 'shop', 'core', { services: ['web'], follow: false }, () => undefined)).rejects.toThrow('stack shop-core has no service web; its services: api, db');
  });

  it('an unreachable node is the ssh error with its fix', async () => {
    const { deps } = await setup();
    await deployStack(deps, 'shop', { timeoutMs: 5000, nodes: ['core'] });
    const refused = new RecordingRunner(() => ({ code: 255, stderr: 'ssh: connect to host core.example port 2222: Connection refused\n' }));
    deps.connect = (url) => openSsh(url, refused, { controlDir: '/run/berth-test/down' });
    await expect(nodeStatus(deps, 'shop', 'core')).rejects.toMatchObject({
      code: 'engine_unreachable',
      message: 'cannot reach ssh://deploy@core.example:2222: ssh: connect to host core.example port 2222: Connection refused; check that the host is up and that `ssh` reaches it from here',
    });
  });
});

/** A manager's `docker service logs -f`: its output in the chunks given, then it waits for its stdin to end, as the watcher on the manager does. */
class FollowingRunner implements Runner {
  readonly commands: Command[] = [];
  stdinEnded = false;
  constructor(private readonly chunks: { stdout?: string; stderr?: string }[]) {}
  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    this.commands.push(cmd);
    for (const c of this.chunks) (c.stdout ? opts.onStdout?.(c.stdout) : opts.onStderr?.(c.stderr!));
    return new Promise((resolve) => {
      const stdin = opts.input as Readable;
      stdin.on('end', () => ((this.stdinEnded = true), resolve({ code: 130, stdout: '', stderr: '' }))).resume();
    });
  }
}

describe('following a Swarm service\'s log', () => {
  it('gives each whole line after its task as it comes, until the signal aborts; the manager\'s follow ends with its stdin', async () => {
    const runner = new FollowingRunner([{ stdout: 'shop-w_api.1@m1    | GET /he' }, { stdout: 'alth\nshop-w_api.1@m1    | GET /x\n' }, { stderr: 'shop-w_api.2@m1    | oops\n' }]);
    const stop = new AbortController();
    const lines: { stream: string; text: string }[] = [];
    const done = followServiceLogs(runner, 'shop-w', 'api', { tail: 5, signal: stop.signal }, (l) => {
      lines.push(l);
      if (lines.length === 3) stop.abort();
    });
    await done;
    expect(lines).toEqual([
      { stream: 'stdout', text: 'api.1@m1    | GET /health' },
      { stream: 'stdout', text: 'api.1@m1    | GET /x' },
      { stream: 'stderr', text: 'api.2@m1    | oops' },
    ]);
    expect(runner.stdinEnded).toBe(true);
    const [cmd] = runner.commands;
    expect(cmd!.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(cmd!.argv.slice(3)).toEqual(['sh', '5', 'shop-w_api']);
    expect(cmd!.argv[2]).toContain('docker service logs --follow --no-task-ids --tail "$1" "$2"');
  });

  it('a follow that fails by itself says so', async () => {
    const runner: Runner = { run: async () => ({ code: 1, stdout: '', stderr: 'Error: No such service: shop-w_api\n' }) };
    await expect(followServiceLogs(runner, 'shop-w', 'api', { tail: 5 }, () => undefined)).rejects.toThrow('following the logs of shop-w_api failed: Error: No such service: shop-w_api');
  });
});
