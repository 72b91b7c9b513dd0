/** down, restart, logs, exec, build, pull: Compose commands for one stack, through the one runner. */
import type { Context } from '../context.js';
import { BerthError, UsageError } from '../../errors.js';
import { composeArgs } from '../../engine/compose.js';
import { parseExitCode } from '../../engine/state.js';
import { allProfiles, checkServices, ensureEngine, expandServices, openStack, runCompose, withStackLock, type Session } from '../../ops/session.js';
import { restartStack } from '../../ops/restart.js';
import { forgetScaled } from '../../store/runtime.js';
import { LABEL_NUMBER, LABEL_PROJECT, LABEL_SERVICE } from '../../engine/docker-api.js';
import { streamStackLogs } from '../../ops/logs.js';
import { parseDuration } from '../../util/duration.js';
import { printJson, warn } from '../output.js';
import { progress } from '../progress.js';

type Opts = { json?: boolean; dryRun?: boolean; [k: string]: unknown };

const locked = <T>(ctx: Context, s: Session, command: string, fn: () => Promise<T>) =>
  withStackLock(s, command, fn, (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${s.ref.name}`));

/** Service arguments: one (older commands), several, or none. */
const listOf = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export async function down(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const services = expandServices(s, listOf(only));
  await ensureEngine(s);
  await locked(ctx, s, 'down', async () => {
    // Named services: stopped and removed; the rest of the stack keeps running.
    const args = services.length ? composeArgs.rm(services) : composeArgs.down();
    await runCompose(s, args, { profiles: allProfiles(s.manifest), what: 'down' });
    if (!s.dryRun) forgetScaled(ctx.home, s.ref.name, services.length ? services : undefined);
  });
  if (opts.json) printJson(ctx.io, { stack: s.ref.name, down: services.length ? services : true, volumesKept: s.manifest.volumes });
  else if (!opts.dryRun && services.length) ctx.io.out(`Stopped and removed ${services.join(', ')} of stack ${s.ref.name}; volumes kept.\n`);
  else if (!opts.dryRun) ctx.io.out(`Stack ${s.ref.name} is down; volumes kept (${s.manifest.volumes.join(', ') || 'none'}).\n`);
  return 0;
}

export async function restart(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const services = expandServices(s, listOf(only));
  await ensureEngine(s);
  const timeoutMs = parseDuration(String(opts.timeout ?? '300'), '--timeout');
  const wait = !opts.dryRun && opts.wait !== false;
  const show = wait ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
  try {
    await restartStack(s, { services, wait, timeoutMs, onUpdate: (v) => show?.update(v), onWait: (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${s.ref.name}`) });
  } finally {
    show?.done();
  }
  if (opts.json) printJson(ctx.io, { stack: s.ref.name, restarted: services.length ? services : 'all' });
  else if (!opts.dryRun) ctx.io.out(`Restarted ${services.length ? services.join(', ') : `stack ${s.ref.name}`}.\n`);
  return 0;
}

/** exec needs a running container; Compose v1 fails silently without one. */
async function mustBeRunning(s: Session, service: string, replica: number): Promise<void> {
  const containers = await s.engine().listContainers([`${LABEL_PROJECT}=${s.ref.name}`, `${LABEL_SERVICE}=${service}`]);
  const c = containers.find((x) => Number(x.Labels[LABEL_NUMBER] ?? 1) === replica);
  if (c?.State === 'running') return;
  const which = replica > 1 ? `replica ${replica} of ${service}` : service;
  const code = c && parseExitCode(c.Status);
  const state = c ? ` (${code !== undefined ? `exited with code ${code}` : c.State})` : '';
  const hint = c || replica === 1 ? `start it with berth up ${s.ref.name} ${service}` : `${service} has ${containers.length} replica(s); scale it with berth scale ${s.ref.name} ${service}=${replica}`;
  throw new BerthError(`${which} of stack ${s.ref.name} is not running${state}; ${hint}`);
}

export async function logs(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const services = expandServices(s, listOf(only));
  const tail = opts.tail === undefined ? undefined : Number(opts.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new UsageError(`--tail: ${JSON.stringify(opts.tail)} is not a number of lines`);
  await ensureEngine(s);
  if (opts.json && !opts.dryRun) return jsonLogs(ctx, s, { services, follow: !!opts.follow, tail });
  return runCompose(s, composeArgs.logs({ follow: !!opts.follow, tail, color: ctx.io.isTTY, services }), { profiles: allProfiles(s.manifest), inherit: true, passthrough: true });
}

/** JSON lines from the Engine API; Ctrl-C ends a follow cleanly. */
async function jsonLogs(ctx: Context, s: Session, o: { services: string[]; follow: boolean; tail?: number }): Promise<number> {
  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.once('SIGINT', onInt);
  try {
    const n = await streamStackLogs(s, { ...o, signal: stop.signal }, (r) => ctx.io.out(JSON.stringify(r) + '\n'));
    if (!n) warn(ctx.io, `stack ${s.ref.name} has no containers${o.services.length ? ` for ${o.services.join(', ')}` : ''}; start it with: berth up ${s.ref.name}`);
    return 0;
  } finally {
    process.off('SIGINT', onInt);
  }
}

export async function exec(ctx: Context, [name, service, argv]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  checkServices(s, [String(service)]);
  const given = (argv as string[] | undefined)?.length ? (argv as string[]) : undefined;
  if (opts.json && !given) throw new UsageError(`exec --json needs a command to run, e.g. berth exec ${s.ref.name} ${String(service)} --json -- env; a shell is interactive`);
  const cmd = given ?? ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];
  const index = opts.index === undefined ? undefined : Number(opts.index);
  if (index !== undefined && !(Number.isInteger(index) && index >= 1)) throw new UsageError(`--index: ${JSON.stringify(opts.index)} is not a replica number (1, 2, ...)`);
  await ensureEngine(s);
  if (!opts.dryRun) await mustBeRunning(s, String(service), index ?? 1);
  if (opts.json && !opts.dryRun) {
    // Captured, not on the terminal: one record with the command's output and exit code.
    const run = await s.compose(composeArgs.exec({ service: String(service), tty: false, index, argv: cmd }), allProfiles(s.manifest));
    const r = await s.runner.run(run, { stdio: 'pipe' });
    printJson(ctx.io, { stack: s.ref.name, service: String(service), replica: index ?? 1, argv: cmd, exitCode: r.code, stdout: r.stdout, stderr: r.stderr });
    return r.code;
  }
  const tty = ctx.io.isTTY && ctx.io.stdinTTY;
  return runCompose(s, composeArgs.exec({ service: String(service), tty, index, argv: cmd }), { profiles: allProfiles(s.manifest), inherit: true, passthrough: true });
}

export async function build(ctx: Context, [name]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const buildable = s.manifest.services.filter((x) => x.build).map((x) => x.name);
  if (!buildable.length) {
    ctx.io.out(opts.json ? JSON.stringify({ stack: s.ref.name, built: [] }) + '\n' : `Stack ${s.ref.name} has nothing to build: no service has build:.\n`);
    return 0;
  }
  await ensureEngine(s);
  await locked(ctx, s, 'build', () => runCompose(s, composeArgs.build({ noCache: opts.cache === false, services: buildable }), { profiles: allProfiles(s.manifest), inherit: !opts.json, what: 'build' }));
  if (opts.json) printJson(ctx.io, { stack: s.ref.name, built: buildable });
  return 0;
}

export async function pull(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const named = (only as string[] | undefined) ?? [];
  checkServices(s, named);
  // Locally built images are not in any registry: pull the others.
  const pullable = s.manifest.services.filter((x) => !x.build && (!named.length || named.includes(x.name))).map((x) => x.name);
  await ensureEngine(s);
  if (pullable.length) await locked(ctx, s, 'pull', () => runCompose(s, composeArgs.pull(pullable), { profiles: allProfiles(s.manifest), inherit: !opts.json, what: 'pull' }));
  if (opts.json) printJson(ctx.io, { stack: s.ref.name, pulled: pullable });
  return 0;
}
