/**
 * The CLI. Parses argv with commander (each command declares its own flags, in
 * its file under commands/), runs the one command it names,
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
import { register } from './spec.js';
import { COMMANDS } from './commands/index.js';
import type { Engine } from '../engine/docker-api.js';

/** Help that was asked for (exit 0), or shown because the command line was incomplete (a usage error). */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

function program(ctx: Context, done: (code: number) => void): Command {
  const p = new Command('berth')
    .description('Compose production-grade container stacks from a catalog of components, and run their whole life.')
    .version(BERTH_VERSION, '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: () => undefined })
    .exitOverride();
  for (const spec of COMMANDS) register(p, spec, ctx, done);
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
