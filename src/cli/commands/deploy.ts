/** berth deploy, releases, rollback: a stack on its nodes, over ssh, as numbered releases. */
import type { CommandSpec } from '../spec.js';
import type { Context } from '../context.js';
import type { ServiceView } from '../../engine/state.js';
import type { ReleaseRecord } from '../../model/release.js';
import { parseDuration } from '../../util/duration.js';
import { opsDeps } from '../deps.js';
import { printJson, table } from '../output.js';
import { progress, type Progress } from '../progress.js';
import { listOf } from './lifecycle.js';
import { UsageError } from '../../errors.js';

const NODE_FLAGS = [
  { flags: '--node <name>', doc: 'only this node (repeatable; default: every node of the stack)', repeat: true },
  { flags: '--timeout <duration>', doc: 'how long each node may take to be healthy (e.g. 120, 90s, 5m)', default: '300' },
  { flags: '--accept-new-host-key', doc: "trust a node's ssh host key seen for the first time (a changed one is still refused)" },
];

/** Runs `fn` showing the services of the node being started, as up shows them (a fresh block per node). */
async function withNodeProgress<T>(ctx: Context, json: boolean, fn: (update: (node: string, views: ServiceView[]) => void) => Promise<T>): Promise<T> {
  let shown: { node: string; p: Progress } | undefined;
  let pending = Promise.resolve();
  const update = (node: string, views: ServiceView[]) => {
    pending = pending.then(async () => {
      if (shown?.node !== node) (shown?.p.done(), (shown = { node, p: await progress(ctx.io, json ? { plainTo: (t) => ctx.io.err(t) } : {}) }));
      shown.p.update(views);
    });
  };
  try {
    return await fn(update);
  } finally {
    await pending.then(() => shown?.p.done());
  }
}

/** A whole number from 1, or a usage error naming where it was given. */
function positiveInt(v: unknown, where: string, fix = 'give a whole number from 1'): number {
  if (!/^[1-9]\d*$/.test(String(v))) throw new UsageError(`${where}: ${JSON.stringify(v)} is not a whole number from 1; ${fix}`);
  return Number(v);
}

/** --swarm and its network mode (checked against the stack's nodes by the operation). */
function swarmOption(opts: Record<string, unknown>): { swarm?: boolean; swarmNetwork?: 'host' | 'ingress' } {
  if (opts.swarmNetwork === undefined) return { swarm: !!opts.swarm };
  const mode = String(opts.swarmNetwork);
  if (mode !== 'host' && mode !== 'ingress') throw new UsageError(`--swarm-network: ${JSON.stringify(mode)} is not a mode; give host or ingress`);
  return { swarm: !!opts.swarm, swarmNetwork: mode };
}

const common = (opts: Record<string, unknown>) => ({
  nodes: listOf(opts.node),
  timeoutMs: parseDuration(String(opts.timeout ?? '300'), '--timeout'),
  acceptNewHostKey: !!opts.acceptNewHostKey,
});

export const deploy: CommandSpec = {
  name: 'deploy',
  doc: "deploy a stack's nodes over ssh as a new release; a release that fails its health gate is rolled back",
  args: [['<name>', 'stack name']],
  flags: [
    ...NODE_FLAGS,
    { flags: '--tag <tag>', doc: 'IMAGE_TAG for this release, and the tag of the images it builds here (build:); git: sha-<7> of the commit checked out where stack.yaml is' },
    { flags: '--var <NAME=value>', doc: 'set a variable of the stack for this release (repeatable)', repeat: true },
    { flags: '--ship-images', doc: 'send the images from this machine (docker save | docker load) instead of pulling them on the nodes (those of services with build: are built here and sent anyway)' },
    { flags: '--keep <n>', doc: 'release folders kept on each node (older ones are removed)', default: '5' },
    { flags: '--swarm', doc: 'run each node\'s part as a Docker Swarm stack (the node is a Swarm manager)' },
    { flags: '--swarm-network <mode>', doc: 'for Swarm nodes: host (default: DNS round robin, ports on the node a task runs on) or ingress (virtual IPs and the routing mesh, which need IPVS)' },
  ],
  async run(ctx, [name], opts) {
    const { deployStack } = await import('../../ops/deploy.js');
    const r = await withNodeProgress(ctx, !!opts.json, (onUpdate) =>
      deployStack(opsDeps(ctx, { json: !!opts.json }), String(name), {
        ...common(opts),
        vars: listOf(opts.var),
        tag: opts.tag === undefined ? undefined : String(opts.tag),
        shipImages: !!opts.shipImages,
        keep: opts.keep === undefined ? undefined : positiveInt(opts.keep, '--keep'),
        ...swarmOption(opts),
        onUpdate,
      }),
    );
    if (opts.json) printJson(ctx.io, r);
    else ctx.io.out(`\nRelease ${r.number} of stack ${r.stack} is healthy on ${Object.keys(r.nodes).join(', ')}.\n`);
    return 0;
  },
};

export const rollback: CommandSpec = {
  name: 'rollback',
  doc: 'put release N back, here (a release of berth up) and on the nodes (default: the last healthy one before the running one), and wait for health',
  args: [['<name>', 'stack name'], ['[release]', 'release number (berth releases lists them)']],
  flags: NODE_FLAGS,
  async run(ctx, [name, number], opts) {
    const { rollbackStack } = await import('../../ops/rollback.js');
    const release = number === undefined ? undefined : positiveInt(number, 'release', `berth releases ${String(name)} lists them`);
    const r = await withNodeProgress(ctx, !!opts.json, (onUpdate) => rollbackStack(opsDeps(ctx, { json: !!opts.json }), String(name), release, { ...common(opts), onUpdate }));
    if (opts.json) printJson(ctx.io, { stack: String(name), release: r.number, nodes: r.nodes });
    else ctx.io.out(`\nStack ${String(name)} is back at release ${r.number}: ${Object.entries(r.nodes).map(([n, x]) => `${n} runs release ${x}`).join(', ') || 'no node changed'}.\n`);
    return 0;
  },
};

function nodesText(r: ReleaseRecord, current: Record<string, number>): string {
  return Object.entries(r.nodes)
    .map(([n, x]) => `${n}${current[n] === r.number ? '*' : ''}${x.result === 'healthy' ? '' : ` ${x.result}${x.failedService ? ` (${x.failedService})` : ''}`}`)
    .join(', ');
}

export const releases: CommandSpec = {
  name: 'releases',
  doc: "a stack's releases, newest first (* marks what a node runs now)",
  args: [['<name>', 'stack name']],
  flags: [{ flags: '--node <name>', doc: 'only the releases that reached this node' }],
  async run(ctx, [name], opts) {
    const { listReleases, firstReleaseHint } = await import('../../ops/releases.js');
    const deps = opsDeps(ctx, { json: !!opts.json });
    const l = listReleases(deps, String(name), { node: opts.node === undefined ? undefined : String(opts.node) });
    if (opts.json) return printJson(ctx.io, l), 0;
    if (!l.releases.length) return ctx.io.out(`Stack ${l.stack} has no releases yet; ${firstReleaseHint(deps, l.stack)}.\n`), 0;
    const images = (r: ReleaseRecord) => [...new Set(Object.values(r.nodes).flatMap((x) => x.images.map((i) => i.ref)))].join(' ') || '-';
    const rows = l.releases.map((r) => [r.number, r.startedAt.replace('T', ' ').slice(0, 19), r.by, r.result, nodesText(r, l.current), images(r)]);
    ctx.io.out(table(['RELEASE', 'STARTED', 'BY', 'RESULT', 'NODES', 'IMAGES'], rows));
    return 0;
  },
};
