/** down, restart, scale, build, pull: Compose work on one stack, through the operations. */
import type { CommandSpec } from '../spec.js';
import { parseDuration } from '../../util/duration.js';
import { opsDeps } from '../deps.js';
import { printJson } from '../output.js';
import { progress } from '../progress.js';
import { UsageError } from '../../errors.js';

/** Service arguments: none, one, or several. */
export const listOf = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

async function open(ctx: Parameters<CommandSpec['run']>[0], name: unknown, opts: Record<string, unknown>) {
  const ops = await import('../../ops/session.js');
  return { ops, s: ops.openStack(opsDeps(ctx, { json: !!opts.json }), String(name), { dryRun: !!opts.dryRun }) };
}

export const down: CommandSpec = {
  name: 'down',
  doc: 'stop a stack (or some services) and remove its containers; volumes are kept',
  aliases: ['stop'],
  args: [['<name>', 'stack name'], ['[services...]', 'only these services']],
  dryRun: true,
  async run(ctx, [name, only], opts) {
    const { ops, s } = await open(ctx, name, opts);
    const services = ops.expandServices(s, listOf(only));
    await ops.ensureEngine(s);
    const { downStack } = await import('../../ops/lifecycle.js');
    const r = await downStack(s, services);
    if (opts.json) printJson(ctx.io, { stack: r.stack, down: r.services === 'all' ? true : r.services, volumesKept: r.volumesKept });
    else if (opts.dryRun) return 0;
    else if (r.services !== 'all') ctx.io.out(`Stopped and removed ${r.services.join(', ')} of stack ${r.stack}; volumes kept.\n`);
    else ctx.io.out(`Stack ${r.stack} is down; volumes kept (${r.volumesKept.join(', ') || 'none'}).\n`);
    return 0;
  },
};

const WAIT_FLAGS = [
  { flags: '--no-wait', doc: 'do not wait for health' },
  { flags: '--timeout <duration>', doc: 'how long to wait for health', default: '300' },
];

export const restart: CommandSpec = {
  name: 'restart',
  doc: 'restart a stack or some services and wait for health',
  args: [['<name>', 'stack name'], ['[services...]', 'only these services']],
  dryRun: true,
  flags: WAIT_FLAGS,
  async run(ctx, [name, only], opts) {
    const { ops, s } = await open(ctx, name, opts);
    const services = ops.expandServices(s, listOf(only));
    await ops.ensureEngine(s);
    const timeoutMs = parseDuration(String(opts.timeout ?? '300'), '--timeout');
    const wait = !opts.dryRun && opts.wait !== false;
    const show = wait ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
    const { restartStack } = await import('../../ops/restart.js');
    try {
      await restartStack(s, { services, wait, timeoutMs, onUpdate: (v) => show?.update(v) });
    } finally {
      show?.done();
    }
    if (opts.json) printJson(ctx.io, { stack: s.ref.name, restarted: services.length ? services : 'all' });
    else if (!opts.dryRun) ctx.io.out(`Restarted ${services.length ? services.join(', ') : `stack ${s.ref.name}`}.\n`);
    return 0;
  },
};

/** service=count pairs, each a whole number from 0. */
function countsOf(pairs: string[]): Record<string, number> {
  if (!pairs.length) throw new UsageError('give service=count pairs, like worker=3');
  return Object.fromEntries(
    pairs.map((p) => {
      const m = /^([a-z0-9][a-z0-9_-]*)=(0|[1-9]\d*)$/.exec(p);
      if (!m) throw new UsageError(`${p}: not service=count; give a service and a whole number, like worker=3`);
      return [m[1]!, Number(m[2])];
    }),
  );
}

async function scaleOnNode(ctx: Parameters<CommandSpec['run']>[0], name: string, node: string, pairs: string[], opts: Record<string, unknown>): Promise<number> {
  const [{ swarmScale }, { composeNodeScale, nodeTarget }] = await Promise.all([import('../../ops/swarm-node.js'), import('../../ops/compose-node.js')]);
  const deps = opsDeps(ctx, { json: !!opts.json });
  const timeoutMs = parseDuration(String(opts.timeout ?? '300'), '--timeout');
  const replicas = countsOf(pairs);
  if (nodeTarget(deps, name, node) === 'swarm') await swarmScale(deps, name, node, replicas, { timeoutMs });
  else await composeNodeScale(deps, name, node, pairs, { wait: opts.wait !== false, timeoutMs });
  if (opts.json) printJson(ctx.io, { stack: name, node, scale: replicas });
  else ctx.io.out(`Scaled ${Object.entries(replicas).map(([k, n]) => `${k} to ${n}`).join(', ')} on node ${node} (until the next deploy; set replicas: in stack.yaml to keep it).\n`);
  return 0;
}

export const scale: CommandSpec = {
  name: 'scale',
  doc: 'set the number of replicas of services at run time',
  args: [['<name>', 'stack name'], ['<service=count...>', 'e.g. worker=3']],
  dryRun: true,
  flags: [
    { flags: '--no-wait', doc: 'do not wait for the new replicas to be healthy' },
    WAIT_FLAGS[1]!,
    { flags: '--node <name>', doc: "scale services a node runs (its Compose release or Swarm stack; until the node's next deploy)" },
  ],
  async run(ctx, [name, pairs], opts) {
    if (opts.node !== undefined) return scaleOnNode(ctx, String(name), String(opts.node), listOf(pairs), opts);
    const { s } = await open(ctx, name, opts);
    const { parseScale, scaleStack } = await import('../../ops/scale.js');
    const replicas = parseScale(s, listOf(pairs));
    const wait = opts.wait !== false;
    const show = wait && !opts.dryRun ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
    try {
      await scaleStack(s, replicas, { wait, timeoutMs: parseDuration(String(opts.timeout ?? '300'), '--timeout'), onUpdate: (v) => show?.update(v) });
    } finally {
      show?.done();
    }
    if (opts.json) printJson(ctx.io, { stack: s.ref.name, scale: replicas });
    else if (!opts.dryRun) ctx.io.out(`Scaled ${Object.entries(replicas).map(([k, n]) => `${k} to ${n}`).join(', ')} (until the next up; set replicas: in stack.yaml to keep it).\n`);
    return 0;
  },
};

export const build: CommandSpec = {
  name: 'build',
  doc: 'build the images of services that have build:',
  args: [['<name>', 'stack name']],
  dryRun: true,
  flags: [{ flags: '--no-cache', doc: 'do not use the build cache' }],
  async run(ctx, [name], opts) {
    const { ops, s } = await open(ctx, name, opts);
    const { buildStack } = await import('../../ops/lifecycle.js');
    if (s.manifest.services.some((x) => x.build)) await ops.ensureEngine(s);
    const built = await buildStack(s, { noCache: opts.cache === false, terminal: !opts.json });
    if (opts.json) printJson(ctx.io, { stack: s.ref.name, built });
    else if (!built.length) ctx.io.out(`Stack ${s.ref.name} has nothing to build: no service has build:.\n`);
    return 0;
  },
};

export const pull: CommandSpec = {
  name: 'pull',
  doc: 'pull the images of the stack',
  args: [['<name>', 'stack name'], ['[services...]', 'only these services']],
  dryRun: true,
  async run(ctx, [name, only], opts) {
    const { ops, s } = await open(ctx, name, opts);
    const named = listOf(only);
    ops.checkServices(s, named);
    await ops.ensureEngine(s);
    const { pullStack } = await import('../../ops/lifecycle.js');
    const pulled = await pullStack(s, named, { terminal: !opts.json });
    if (opts.json) printJson(ctx.io, { stack: s.ref.name, pulled });
    return 0;
  },
};
