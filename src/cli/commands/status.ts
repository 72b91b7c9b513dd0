/** berth status: every stack's state, or one stack's services in detail. */
import type { Context } from '../context.js';
import type { CommandSpec } from '../spec.js';
import type { StackStatus } from '../../ops/status.js';
import { serviceRows } from '../../ops/service-rows.js';
import { opsDeps } from '../deps.js';
import { printJson, table } from '../output.js';
import { UsageError } from '../../errors.js';

async function all(ctx: Context, json: boolean): Promise<number> {
  const { allStatus } = await import('../../ops/status.js');
  const stacks = await allStatus(opsDeps(ctx, { json }));
  if (json) printJson(ctx.io, stacks);
  else if (!stacks.length) ctx.io.out('No stacks yet. Create one: berth generate <name> --web --postgres --monitoring\n');
  else ctx.io.out(table(['STACK', 'STATE', 'READY', 'PORTS'], stacks.map((s) => [s.name, s.state, `${s.ready}/${s.services}`, s.ports.join(',') || '-'])));
  return stacks.some((s) => s.state === 'degraded' || s.state === 'damaged') ? 1 : 0;
}

function printJsonStatus(ctx: Context, st: StackStatus, more: Record<string, unknown> = {}): void {
  printJson(ctx.io, {
    stack: st.stack,
    ...more,
    profiles: st.profiles,
    vars: st.vars,
    services: st.services.map((v) => ({
      name: v.name,
      component: v.component,
      role: v.role,
      state: v.state,
      ready: v.ready,
      active: v.active,
      containers: v.containers.map((c) => ({ id: c.id.slice(0, 12), name: c.name, state: c.state, health: c.health ?? null, exitCode: c.exitCode ?? null, restarts: c.restarts ?? 0, image: c.image, ports: c.ports })),
    })),
    ...(st.nodes ? { nodes: st.nodes } : {}),
  });
}

function printTable(ctx: Context, st: StackStatus): void {
  const rows = serviceRows(st).map((r) => [
    r.name + (r.replicas > 1 ? ` x${r.replicas}` : ''),
    r.state,
    r.health.join(',') || '-',
    r.ports.join(', ') || '-',
    String(r.restarts),
    r.image ?? '-',
  ]);
  const chosen = [
    st.profiles.join(',') !== st.stackProfiles.join(',') ? `profiles ${st.profiles.join(', ') || '(none)'}` : '',
    Object.entries(st.vars).map(([k, v]) => `${k}=${v}`).join(' '),
  ].filter(Boolean);
  if (chosen.length) ctx.io.out(`Set at berth up: ${chosen.join('; ')}\n\n`);
  if (rows.length || !st.nodes) ctx.io.out(table(['SERVICE', 'STATE', 'HEALTH', 'PORTS', 'RESTARTS', 'IMAGE'], rows));
  const orphans = st.services.filter((v) => v.state === 'orphan').map((v) => v.name);
  if (orphans.length) ctx.io.out(`\n${orphans.join(', ')}: no longer in the stack; berth up ${st.stack} removes ${orphans.length > 1 ? 'them' : 'it'}.\n`);
  if (st.nodes) printNodes(ctx, st.stack, st.nodes, rows.length > 0);
}

/** The stack's nodes as recorded here, and the command that asks one of them. */
function printNodes(ctx: Context, stack: string, nodes: NonNullable<StackStatus['nodes']>, after: boolean): void {
  const rows = nodes.map((n) => [n.name, n.host, n.target === 'swarm' ? 'Swarm' : 'Compose', n.release === undefined ? '-' : String(n.release), n.result ?? 'not deployed']);
  ctx.io.out(`${after ? '\n' : ''}${after ? 'Also on its nodes' : `Stack ${stack} runs on its nodes`} (as deployed; not asked now):\n\n`);
  ctx.io.out(table(['NODE', 'HOST', 'RUNS WITH', 'RELEASE', 'DEPLOYED'], rows));
  ctx.io.out(`\nA node's services, as they are now: berth status ${stack} --node ${nodes[0]!.name}; their logs: berth logs ${stack} --node ${nodes[0]!.name}\n`);
}

/** Exit 1 unless every active service is ready (every stack not degraded, without a name). */
export async function runStatus(ctx: Context, name: string | undefined, json: boolean): Promise<number> {
  if (name === undefined) return all(ctx, json);
  const { stackStatus } = await import('../../ops/status.js');
  const st = await stackStatus(opsDeps(ctx, { json }), name);
  if (json) printJsonStatus(ctx, st);
  else printTable(ctx, st);
  return st.ready ? 0 : 1;
}

/** A node's part of the stack, asked of the node: its Compose services as status shows them here, or its Swarm stack as the manager sees it. */
async function nodeStatus(ctx: Context, name: string, node: string, json: boolean): Promise<number> {
  const ops = await import('../../ops/compose-node.js');
  const ns = await ops.nodeStatus(opsDeps(ctx, { json }), name, node);
  if (ns.target === 'compose') {
    const st = ns.status;
    if (json) printJsonStatus(ctx, st, { node: st.node, target: 'compose', project: st.project, release: st.release });
    else {
      ctx.io.out(`Compose project ${st.project} on node ${st.node}, release ${st.release}\n\n`);
      printTable(ctx, st);
    }
    return st.ready ? 0 : 1;
  }
  const st = ns.status;
  if (json) printJson(ctx.io, { ...st, target: 'swarm' });
  else {
    ctx.io.out(`Swarm stack ${st.project} on node ${st.node}\n\n`);
    ctx.io.out(table(['SERVICE', 'STATE', 'RUNNING', 'IMAGE', 'ERROR'], st.services.map((s) => [s.name, s.state, `${s.running}/${s.replicas}`, s.image, s.error ?? '-'])));
  }
  return st.ready ? 0 : 1;
}

export const status: CommandSpec = {
  name: 'status',
  doc: 'per-service state, health, ports, restarts and image; every stack when no name is given',
  args: [['[name]', 'stack name']],
  flags: [{ flags: '--node <name>', doc: "the part of the stack a node runs, asked of the node over ssh: its Compose services as status shows them here, or its Swarm stack's tasks (berth deploy --swarm)" }],
  run: (ctx, [name], opts) => {
    if (opts.node === undefined) return runStatus(ctx, name === undefined ? undefined : String(name), !!opts.json);
    if (name === undefined) throw new UsageError('--node: name the stack too, like berth status prod --node core');
    return nodeStatus(ctx, String(name), String(opts.node), !!opts.json);
  },
};
