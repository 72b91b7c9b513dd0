/** The deploy, releases and rollback commands: their help, and what they refuse before any node is reached. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/engine/runner.js';
import { runCli } from '../helpers/cli.js';
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
    expectUsageError(await runCli(['releases', 'shop'], { home, runner }), 'stack shop has no nodes');
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
  });
});

describe('deploy --swarm and the Swarm views of a node', () => {
  it('refuse a bad network mode, a mode without --swarm, and --node without a Swarm release, before running anything', async () => {
    const runner = new RecordingRunner();
    const home = await generated(NODES);
    expect((await runCli(['deploy', '--help'], { home })).stdout).toContain('--swarm-network <mode>');
    expectUsageError(await runCli(['deploy', 'shop', '--swarm', '--swarm-network', 'mesh'], { home, runner }), '--swarm-network: "mesh" is not a mode; give host or ingress');
    expectUsageError(await runCli(['deploy', 'shop', '--swarm-network', 'ingress'], { home, runner }), '--swarm-network: applies to a Swarm deploy only; add --swarm, or target: swarm to the node in stack.yaml');
    expectUsageError(await runCli(['status', '--node', 'core'], { home, runner }), '--node: name the stack too, like berth status prod --node core');
    expectUsageError(await runCli(['status', 'shop', '--node', 'core'], { home, runner }), '--node: core runs no Swarm release of shop; berth deploy shop --swarm --node core puts one there');
    expectUsageError(await runCli(['logs', 'shop', '--node', 'core', '-f'], { home, runner }), '--follow: not with --node yet');
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
