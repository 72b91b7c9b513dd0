/** The deploy, releases and rollback commands: their help, and what they refuse before any node is reached. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/engine/runner.js';
import { runCli } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { expectUsageError, newHome } from './_util.js';

const NODES = `nodes:
  core: {host: "ssh://deploy@core.example"}
services:
  db: {component: postgres, node: core}
`;

async function generated(yaml: string) {
  const home = newHome();
  fs.writeFileSync(path.join(home, 'stack.yaml'), yaml);
  const r = await runCli(['generate', 'shop', '-f', path.join(home, 'stack.yaml')], { home });
  expect(r.code, r.stderr).toBe(0);
  return home;
}

describe('deploy, releases, rollback', () => {
  it('document their flags', async () => {
    const r = await runCli(['deploy', '--help'], { home: newHome() });
    for (const flag of ['--node <name>', '--tag <tag>', '--var <NAME=value>', '--ship-images', '--timeout <duration>', '--keep <n>', '--accept-new-host-key', '--json']) expect(r.stdout).toContain(flag);
    expect((await runCli(['rollback', '--help'], { home: newHome() })).stdout).toMatch(/^Usage: berth rollback \[options\] <name> \[release\]/);
  });

  it('refuse a stack without nodes, a bad release number or --keep, before running anything', async () => {
    const runner = new RecordingRunner();
    const home = await generated('services:\n  redis: {}\n');
    expectUsageError(await runCli(['deploy', 'shop'], { home, runner }), 'stack shop has no nodes; name the machines under nodes: in stack.yaml');
    expect((await runCli(['releases', 'shop'], { home, runner })).stdout).toBe('Stack shop has no releases yet; berth up shop makes the first.\n');
    expect(await runCli(['rollback', 'shop'], { home, runner })).toMatchObject({ code: 2, stderr: 'berth: error: stack shop has no releases yet; berth up shop makes the first\n' });
    const nodes = await generated(NODES);
    expectUsageError(await runCli(['rollback', 'shop', 'two'], { home: nodes, runner }), 'release: "two" is not a whole number from 1; berth releases shop lists them');
    expectUsageError(await runCli(['deploy', 'shop', '--keep', '0'], { home: nodes, runner }), '--keep: "0" is not a whole number from 1');
    expectUsageError(await runCli(['deploy', 'shop', '--node', 'edge'], { home: nodes, runner }), '--node: edge is not a node of stack shop; its nodes: core');
    expect(runner.commands).toEqual([]);
  });

  it('say there is nothing yet, and up of a stack that runs only on its nodes says where it runs', async () => {
    const home = await generated(NODES);
    expect((await runCli(['releases', 'shop'], { home })).stdout).toBe('Stack shop has no releases yet; berth deploy shop makes the first.\n');
    expect(JSON.parse((await runCli(['releases', 'shop', '--json'], { home })).stdout)).toEqual({ stack: 'shop', releases: [], current: {} });
    expectUsageError(await runCli(['up', 'shop'], { home, runner: new RecordingRunner() }), 'stack shop runs on its nodes (core), none of it on this machine; berth deploy shop puts it there');
    expectUsageError(await runCli(['logs', 'shop'], { home, runner: new RecordingRunner() }), "berth status or logs shop --node core show a node's services");
  });
});

describe('deploy --swarm and the Swarm views of a node', () => {
  it('refuse a bad network mode, a mode without --swarm, and scale --node without a release, before running anything', async () => {
    const runner = new RecordingRunner();
    const home = await generated(NODES);
    expect((await runCli(['deploy', '--help'], { home })).stdout).toContain('--swarm-network <mode>');
    expectUsageError(await runCli(['deploy', 'shop', '--swarm', '--swarm-network', 'mesh'], { home, runner }), '--swarm-network: "mesh" is not a mode; give host or ingress');
    expectUsageError(await runCli(['deploy', 'shop', '--swarm-network', 'ingress'], { home, runner }), '--swarm-network: applies to a Swarm deploy only; add --swarm, or target: swarm to the node in stack.yaml');
    expectUsageError(await runCli(['status', '--node', 'core'], { home, runner }), '--node: name the stack too, like berth status prod --node core');
    expectUsageError(await runCli(['scale', 'shop', 'db=2', '--node', 'core'], { home, runner }), '--node: core runs no release of shop yet; berth deploy shop --node core puts one there');
    expectUsageError(await runCli(['scale', 'shop', 'db=two', '--node', 'core'], { home, runner }), 'db=two: not service=count');
    expectUsageError(await runCli(['scale', 'shop', 'db=2', '--node', 'edge'], { home, runner }), '--node: edge is not a node of stack shop; its nodes: core');
    expect(runner.commands).toEqual([]);
  });

  it('refuses a secret read from the environment that is not set there, before reaching any node', async () => {
    const runner = new RecordingRunner();
    const home = await generated(`secretsFromEnv: [API_KEY]\n${NODES}  api: {component: app, node: core, image: x/api:1, secrets: [API_KEY]}\n`);
    expectUsageError(await runCli(['deploy', 'shop', '--swarm'], { home, runner }), "secretsFromEnv: API_KEY not set in berth's environment; set it to deploy (it becomes a Swarm secret)");
    expect(runner.commands).toEqual([]);
  });
});

describe('target: swarm on a node', () => {
  it('is kept in the stack\'s manifest for deploy; another word is refused naming the key', async () => {
    const home = await generated(NODES.replace('core: {host: "ssh://deploy@core.example"}', 'core: {host: "ssh://deploy@core.example", target: swarm}'));
    const manifest = JSON.parse(fs.readFileSync(path.join(home, 'stacks', 'shop', '.berth.json'), 'utf8'));
    expect(manifest.nodes).toEqual([{ name: 'core', host: 'ssh://deploy@core.example', address: 'core.example', project: 'shop-core', target: 'swarm' }]);
    const bad = newHome();
    fs.writeFileSync(path.join(bad, 'stack.yaml'), NODES.replace('core.example"}', 'core.example", target: kubernetes}'));
    expectUsageError(await runCli(['generate', 'shop', '-f', path.join(bad, 'stack.yaml')], { home: bad }), 'nodes.core.target must be compose or swarm');
  });
});

describe('deploy of a service that builds its image', () => {
  it('builds it here first, for a Swarm node too: a failed build ends the deploy with its words (exit 1, --json too) before any node is reached', async () => {
    const runner = new RecordingRunner((cmd) => (cmd.argv.includes('build') ? { code: 1, stderr: 'failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1\n' } : undefined));
    const home = newHome();
    fs.writeFileSync(path.join(home, 'Dockerfile'), 'FROM scratch\n');
    fs.writeFileSync(path.join(home, 'stack.yaml'), `${NODES}  api: {component: app, node: core, build: ., image: x/api:1}\n`);
    expect((await runCli(['generate', 'shop', '-f', path.join(home, 'stack.yaml')], { home })).code).toBe(0);
    for (const swarm of [[], ['--swarm']]) {
      const r = await runCli(['deploy', 'shop', ...swarm], { home, runner });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('berth: error: node core: building api here failed: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1; the deploy stopped before touching any node');
    }
    const json = await runCli(['deploy', 'shop', '--json'], { home, runner });
    expect(JSON.parse(json.stdout || json.stderr).error).toMatchObject({ code: 'engine_failed', path: 'services.api.build' });
    expect(runner.commands.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });
});

describe('status and logs of a node', () => {
  it('document --node for Compose and Swarm nodes', async () => {
    const home = newHome();
    const help = async (cmd: string) => (await runCli([cmd, '--help'], { home })).stdout.replace(/\s+/g, ' ');
    expect(await help('status')).toContain('--node <name> the part of the stack a node runs, asked of the node over ssh: its Compose services as status shows them here, or its Swarm stack');
    expect(await help('logs')).toContain('--node <name> the services a node runs, read there over ssh: from its engine for a Compose node, with docker service logs for a Swarm stack');
  });

  it('refuse an unknown node, a node without a release (naming the deploy that makes one) and --dry-run, before reaching any node', async () => {
    const runner = new RecordingRunner();
    const home = await generated(NODES);
    const none = '--node: core runs no release of shop yet; berth deploy shop --node core puts one there';
    expectUsageError(await runCli(['status', 'shop', '--node', 'core'], { home, runner }), none);
    expectUsageError(await runCli(['logs', 'shop', '--node', 'core'], { home, runner }), none);
    expectUsageError(await runCli(['logs', 'shop', 'db', '--node', 'core', '-f', '--tail', '5'], { home, runner }), none);
    expectUsageError(await runCli(['status', 'shop', '--node', 'edge'], { home, runner }), '--node: edge is not a node of stack shop; its nodes: core');
    expectUsageError(await runCli(['logs', 'shop', '--node', 'edge', '-f'], { home, runner }), '--node: edge is not a node of stack shop; its nodes: core');
    expectUsageError(await runCli(['logs', 'shop', '--node', 'core', '--tail', 'x'], { home, runner }), '--tail: "x" is not a number of lines');
    expectUsageError(await runCli(['logs', 'shop', '--node', 'core', '--dry-run'], { home, runner }), '--dry-run: not with --node');
    const json = await runCli(['status', 'shop', '--node', 'core', '--json'], { home, runner });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'usage', message: none } });
    const plain = await runCli(['status', 'shop', '--node', 'edge'], { home: await generated('services:\n  redis: {}\n'), runner });
    expectUsageError(plain, 'stack shop has no nodes');
    expect(runner.commands).toEqual([]);
  });

  it('status of a stack that runs on its nodes lists them as recorded and says how to ask one, reaching none', async () => {
    const runner = new RecordingRunner();
    const home = await generated(`nodes:\n  core: {host: "ssh://deploy@core.example"}\n  gpu: {host: "ssh://gpu.example", target: swarm}\nservices:\n  db: {component: postgres, node: core}\n  ml: {component: worker, node: gpu, image: x/ml:1, command: [ml], uses: []}\n`);
    const r = await runCli(['status', 'shop'], { home, runner });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Stack shop runs on its nodes (as deployed; not asked now):');
    expect(r.stdout).toMatch(/^core +ssh:\/\/deploy@core\.example +Compose +- +not deployed$/m);
    expect(r.stdout).toMatch(/^gpu +ssh:\/\/gpu\.example +Swarm +- +not deployed$/m);
    expect(r.stdout).toContain("A node's services, as they are now: berth status shop --node core; their logs: berth logs shop --node core\n");
    const json = JSON.parse((await runCli(['status', 'shop', '--json'], { home, runner })).stdout);
    expect(json).toMatchObject({ stack: 'shop', services: [], nodes: [{ name: 'core', target: 'compose' }, { name: 'gpu', target: 'swarm' }] });
    expect(runner.commands).toEqual([]);
  });

  it('status of a stack with services here and on nodes shows those here, then its nodes and how to ask one', async () => {
    const engine = new MemoryEngine();
    engine.add('shop', 'redis', { health: 'healthy' });
    const home = await generated(`${NODES}  redis: {}\n`);
    const r = await runCli(['status', 'shop'], { home, runner: new RecordingRunner(), engine });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SERVICE +STATE[^\n]*\nredis +healthy +healthy /);
    expect(r.stdout).toContain('\nAlso on its nodes (as deployed; not asked now):\n');
    expect(r.stdout).toMatch(/^core +ssh:\/\/deploy@core\.example +Compose +- +not deployed$/m);
    expect(r.stdout).toContain('berth status shop --node core');
  });
});
