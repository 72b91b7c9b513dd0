/**
 * The CLI. Parses argv with commander, loads the one command module it needs,
 * and turns typed errors into one line on stderr (with --json, one JSON object
 * on stdout) and an exit code (2: usage).
 * Only src/bin.ts touches process.argv and process.exit.
 */
import { Command, CommanderError } from "commander";
import type { IO } from './io.js';
import { makeContext, type Context } from './context.js';
import { jsonRequested, reportError } from './report.js';
import { checkCommand, usageError } from './usage-errors.js';
import { BERTH_VERSION } from '../catalog/_berth.js';
import type { Runner } from '../engine/runner.js';
import type { Engine } from '../engine/docker-api.js';

type Handler = (ctx: Context, args: unknown[], opts: Record<string, unknown>) => Promise<number | void>;
type Loader = () => Promise<{ run: Handler }>;

/** Help that was asked for (exit 0), or shown because the command line was incomplete (a usage error). */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

const collect = (value: string, previous: string[] = []) => [...previous, value];

function program(ctx: Context, done: (code: number) => void): Command {
  const p = new Command('berth')
    .description('Compose production-grade container stacks from a catalog of components, and run their whole life.')
    .version(BERTH_VERSION, '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: () => undefined })
    .exitOverride();

  const cmd = (name: string, description: string, load: Loader, aliases: string[] = []) => {
    const c = p.command(name).description(description).option('--json', 'machine-readable output');
    for (const a of aliases) c.alias(a);
    c.action(async (...all: unknown[]) => {
      const command = all[all.length - 1] as Command;
      const opts = command.opts();
      const args = all.slice(0, -2);
      const { run } = await load();
      done((await run(ctx, args, opts)) ?? 0);
    });
    return c;
  };

  cmd('generate', 'write a stack: Compose file, .env with secrets, monitoring and proxy configs; with only a name, regenerate it from its stored stack.yaml', () => import('./commands/generate.js'))
    .argument('<name>', 'stack name')
    .option('-f, --file <path>', 'stack.yaml to generate from')
    .option('--web', "berth's web dashboard and REST API")
    .option('--reporting', 'read-only reporting dashboard (not with --web)')
    .option('--agent', 'agent daemon for remote (GPU) hosts')
    .option('--postgres', 'PostgreSQL')
    .option('--monitoring', 'Prometheus + Grafana + InfluxDB')
    .option('--with <components>', 'more catalog components, comma-separated; name:port publishes a port', collect)
    .option('--port <port>', 'web or reporting port (default 8080)')
    .option('--agent-port <port>', 'agent port (default 8090)')
    .option('--postgres-port <port>', 'PostgreSQL port (default 5432)')
    .option('--grafana-port <port>', 'Grafana port (default 3000)')
    .option('--prometheus-port <port>', 'Prometheus port (default 9090)')
    .option('--influxdb-port <port>', 'InfluxDB port (default 8086)')
    .option('--auth-token <token>', 'REST API bearer token (default: generated)')
    .option('--secret-key <key>', 'web session signing key (default: generated)')
    .option('--postgres-password <password>', 'PostgreSQL password (default: generated)')
    .option('--server-url <url>', 'berth server the agent registers with')
    .option('--gpus <n|all>', 'GPUs reserved for the agent')
    .option('--secret <NAME=value>', 'set any secret of the stack (repeatable)', collect)
    .option('--profile <name>', 'active Compose profile (repeatable; replaces the spec\'s)', collect)
    .option('--memory-budget <size>', 'fail when the services need more memory than this, e.g. 7.7g')
    .option('--image <component=ref>', 'image override (repeatable)', collect)
    .option('--rotate-secrets', 'replace every secret not given explicitly')
    .option('--allow-secret-change', 'give a database password a new value although its data was made with another')
    .option('--dry-run', 'validate and print the Compose file; write nothing');

  cmd('list', 'list stored stacks', () => import('./commands/list.js'), ['ls']);
  cmd('show', "a stack's services, ports, volumes, files and secret names", () => import('./commands/show.js')).argument('<name>', 'stack name');
  cmd('config', "print a stack's rendered Compose file", () => import('./commands/config.js')).argument('<name>', 'stack name');
  cmd('catalog', 'components, their options and the connection env they offer', () => import('./commands/catalog.js')).argument('[component]', 'one component in detail');
  const dryRun = (c: Command) => c.option('--dry-run', 'print the commands instead of running them');
  const lifecycle = () => import('./commands/lifecycle.js');
  dryRun(
    cmd('up', 'start a stack and wait until every service is healthy and every job has exited 0', () => import('./commands/up.js'), ['start'])
      .argument('<name>', 'stack name')
      .argument('[services...]', 'only these services (and what they depend on)')
      .option('--no-wait', 'return once the containers are started')
      .option('--timeout <duration>', 'how long to wait for health (e.g. 120, 90s, 5m)', '300')
      .option('--build', 'build images first')
      .option('--var <NAME=value>', 'set a variable of the stack for this up and the commands after it (repeatable)', collect)
      .option('--profile <name>', 'run these profiles instead of the stack\'s (repeatable), until the next up', collect)
      .option('--allow-secret-change', 'start although a database password differs from the one its data was made with'),
  );
  dryRun(
    cmd('down', 'stop a stack (or some services) and remove its containers; volumes are kept', async () => ({ run: (await lifecycle()).down }), ['stop'])
      .argument('<name>', 'stack name')
      .argument('[services...]', 'only these services'),
  );
  dryRun(
    cmd('restart', 'restart a stack or some services and wait for health', async () => ({ run: (await lifecycle()).restart }))
      .argument('<name>', 'stack name')
      .argument('[services...]', 'only these services')
      .option('--no-wait', 'do not wait for health')
      .option('--timeout <duration>', 'how long to wait for health', '300'),
  );
  cmd('status', 'per-service state, health, ports, restarts and image; every stack when no name is given', () => import('./commands/status.js')).argument('[name]', 'stack name');
  dryRun(
    cmd('logs', 'show service logs', async () => ({ run: (await lifecycle()).logs }))
      .argument('<name>', 'stack name')
      .argument('[services...]', 'only these services (an app with instances: all of them)')
      .option('-f, --follow', 'keep following')
      .option('--tail <lines>', 'lines from the end of each log'),
  );
  dryRun(
    cmd('exec', 'run a command in a service container (a shell by default)', async () => ({ run: (await lifecycle()).exec }))
      .argument('<name>', 'stack name')
      .argument('<service>', 'service')
      .argument('[command...]', 'command and arguments (after --)')
      .option('--index <n>', 'which replica (1, 2, ...)'),
  );
  dryRun(cmd('build', 'build the images of services that have build:', async () => ({ run: (await lifecycle()).build })).argument('<name>', 'stack name').option('--no-cache', 'do not use the build cache'));
  dryRun(
    cmd('pull', 'pull the images of the stack', async () => ({ run: (await lifecycle()).pull }))
      .argument('<name>', 'stack name')
      .argument('[services...]', 'only these services'),
  );
  dryRun(
    cmd('scale', 'set the number of replicas of services at run time', () => import('./commands/scale.js'))
      .argument('<name>', 'stack name')
      .argument('<service=count...>', 'e.g. worker=3')
      .option('--no-wait', 'do not wait for the new replicas to be healthy')
      .option('--timeout <duration>', 'how long to wait for health', '300'),
  );
  dryRun(
    cmd('remove', "remove a stack's containers; --delete-files also its files, --volumes also its data", async () => ({ run: (await import('./commands/remove.js')).remove }), ['rm'])
      .argument('<name>', 'stack name')
      .option('--delete-files', 'also delete the stack directory')
      .option('--volumes', 'also delete its volumes (asks on a terminal; --yes otherwise)')
      .option('-y, --yes', 'confirm deleting volumes'),
  );
  dryRun(
    cmd('clean', "remove a stack's containers, volumes and files (asks on a terminal; --yes otherwise)", async () => ({ run: (await import('./commands/remove.js')).clean }))
      .argument('<name>', 'stack name')
      .option('-y, --yes', 'confirm deleting volumes and files'),
  );
  return p;
}

/** Runs the CLI with the given argv (without node and script). Resolves to the exit code. */
export async function main(argv: string[], io: IO, runner?: Runner, engine?: Engine): Promise<number> {
  const ctx = makeContext(io, runner, engine);
  let code = 0;
  const p = program(ctx, (c) => (code = c));
  // --version works after any command too; what follows `--` is the command exec runs.
  const beforeDashes = argv.indexOf('--') < 0 ? argv : argv.slice(0, argv.indexOf('--'));
  const json = jsonRequested(argv);
  if (beforeDashes.includes('--version') || (beforeDashes.length === 1 && beforeDashes[0] === '-v')) {
    io.out(json ? JSON.stringify({ version: BERTH_VERSION }) + '\n' : `${BERTH_VERSION}\n`);
    return 0;
  }
  if (argv.length === 0) {
    p.outputHelp();
    return 2;
  }
  try {
    checkCommand(p, argv);
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError && HELP_CODES.has(e.code)) return e.exitCode === 0 ? 0 : 2;
    return reportError(io, e instanceof CommanderError ? usageError(e, p, argv) : e, { json });
  }
}
