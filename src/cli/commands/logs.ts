/** logs and exec: what a stack's containers say, and commands run in them. */
import type { CommandSpec } from '../spec.js';
import { UsageError } from '../../errors.js';
import { opsDeps } from '../deps.js';
import { printJson, warn } from '../output.js';
import { listOf } from './lifecycle.js';
import type { LogRecord, LogsOptions } from '../../ops/logs.js';

export const logs: CommandSpec = {
  name: 'logs',
  doc: 'show service logs',
  args: [['<name>', 'stack name'], ['[services...]', 'only these services (an app with instances: all of them)']],
  dryRun: true,
  flags: [
    { flags: '-f, --follow', doc: 'keep following (until Ctrl-C)' },
    { flags: '--tail <lines>', doc: 'lines from the end of each log' },
    { flags: '--node <name>', doc: "the services a node runs, read there over ssh: from its engine for a Compose node, with docker service logs for a Swarm stack (berth deploy --swarm)" },
  ],
  async run(ctx, [name, only], opts) {
    const tail = opts.tail === undefined ? undefined : Number(opts.tail);
    if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new UsageError(`--tail: ${JSON.stringify(opts.tail)} is not a number of lines`);
    if (opts.node !== undefined && opts.dryRun) throw new UsageError('--dry-run: not with --node; logs of a node are read from it, with no command to show');
    // Ctrl-C ends a followed stream cleanly (Compose on the terminal gets the signal itself).
    const stop = new AbortController();
    const onInt = () => stop.abort();
    const json = !!opts.json && !opts.dryRun;
    if (json || opts.node !== undefined) process.once('SIGINT', onInt);
    try {
      if (opts.node !== undefined) return await nodeLogs(ctx, String(name), String(opts.node), { services: listOf(only), follow: !!opts.follow, tail, signal: stop.signal }, json);
      const [ops, { streamStackLogs, terminalLogs }] = await Promise.all([import('../../ops/session.js'), import('../../ops/logs.js')]);
      const s = ops.openStack(opsDeps(ctx, { json: !!opts.json, signal: stop.signal }), String(name), { dryRun: !!opts.dryRun });
      const services = ops.expandServices(s, listOf(only));
      await ops.ensureEngine(s);
      if (!json) return await terminalLogs(s, { services, follow: !!opts.follow, tail, color: ctx.io.isTTY });
      const n = await streamStackLogs(s, { services, follow: !!opts.follow, tail, signal: stop.signal }, (r) => ctx.io.out(JSON.stringify(r) + '\n'));
      if (!n) warn(ctx.io, `stack ${s.ref.name} has no containers${services.length ? ` for ${services.join(', ')}` : ''}; start it with: berth up ${s.ref.name}`);
      return 0;
    } finally {
      process.off('SIGINT', onInt);
    }
  },
};

/** The logs of a node's part of the stack, read there: one record a line with --json, else as Compose and Swarm print them. */
async function nodeLogs(ctx: Parameters<CommandSpec['run']>[0], name: string, node: string, o: LogsOptions, json: boolean): Promise<number> {
  const [cn, sn] = await Promise.all([import('../../ops/compose-node.js'), import('../../ops/swarm-node.js')]);
  const deps = opsDeps(ctx, { json, signal: o.signal });
  if (cn.nodeTarget(deps, name, node) === 'compose') {
    const width = { n: 0 };
    const n = await cn.composeNodeLogs(deps, name, node, o, (r) => ctx.io.out(json ? JSON.stringify(r) + '\n' : composeLine(r, width)));
    if (!n) warn(ctx.io, `node ${node} runs no containers of ${name}${o.services.length ? ` for ${o.services.join(', ')}` : ''}; berth deploy ${name} --node ${node} starts them`);
    return 0;
  }
  if (o.follow) {
    await sn.swarmFollow(deps, name, node, o.services, { tail: o.tail ?? 100, signal: o.signal }, (l) => ctx.io.out(json ? JSON.stringify(l) + '\n' : `${l.task} | ${l.line}\n`));
    return 0;
  }
  const logs = await sn.swarmLogs(deps, name, node, o.services, o.tail ?? 100);
  if (json) printJson(ctx.io, { stack: name, node, logs });
  else for (const l of logs) ctx.io.out(l.text ? `${l.text}\n` : '');
  return 0;
}

/** A log record as Compose prints it: <service>-<replica> | line, the names padded to the widest so far. */
function composeLine(r: LogRecord, width: { n: number }): string {
  const who = `${r.service}-${r.replica}`;
  width.n = Math.max(width.n, who.length);
  return `${who.padEnd(width.n)} | ${r.line}\n`;
}

export const exec: CommandSpec = {
  name: 'exec',
  doc: 'run a command in a service container (a shell by default)',
  args: [['<name>', 'stack name'], ['<service>', 'service'], ['[command...]', 'command and arguments (after --)']],
  dryRun: true,
  flags: [{ flags: '--index <n>', doc: 'which replica (1, 2, ...)' }],
  async run(ctx, [name, service, argv], opts) {
    const [ops, { execInService }] = await Promise.all([import('../../ops/session.js'), import('../../ops/exec.js')]);
    const s = ops.openStack(opsDeps(ctx, { json: !!opts.json }), String(name), { dryRun: !!opts.dryRun });
    ops.checkServices(s, [String(service)]);
    if (opts.index !== undefined && !/^[1-9]\d*$/.test(String(opts.index))) throw new UsageError(`--index: ${JSON.stringify(opts.index)} is not a replica number (1, 2, ...)`);
    const index = opts.index === undefined ? undefined : Number(opts.index);
    const capture = !!opts.json && !opts.dryRun;
    const r = await execInService(s, { service: String(service), index, argv: listOf(argv), capture, tty: ctx.io.isTTY && ctx.io.stdinTTY });
    if (capture) printJson(ctx.io, { stack: s.ref.name, service: String(service), replica: index ?? 1, argv: r.argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });
    return r.exitCode;
  },
};
