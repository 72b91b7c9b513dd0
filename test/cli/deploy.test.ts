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
