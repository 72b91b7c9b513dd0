/**
 * How a command declares itself, next to its handler: its arguments, its
 * flags and what it does. main.ts registers every spec with the parser; a
 * handler loads the operations it calls only when it runs, so parsing stays
 * cheap for every command.
 */
import type { Command } from 'commander';
import type { Context } from './context.js';

export interface Flag {
  /** commander's form: '-f, --file <path>', '--no-wait', '--var <NAME=value>'. */
  flags: string;
  doc: string;
  default?: string;
  /** May be given several times; the values are collected in order. */
  repeat?: boolean;
}

export type Handler = (ctx: Context, args: unknown[], opts: Record<string, unknown>) => Promise<number>;

export interface CommandSpec {
  name: string;
  doc: string;
  aliases?: string[];
  /** commander's argument syntax with its description: ['<name>', 'stack name']. */
  args?: [string, string][];
  flags?: Flag[];
  /** Takes --dry-run (print the commands instead of running them). */
  dryRun?: boolean;
  run: Handler;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds one command to the program; `done` receives its exit code. */
export function register(p: Command, spec: CommandSpec, ctx: Context, done: (code: number) => void): void {
  const c = p.command(spec.name).description(spec.doc).option('--json', 'machine-readable output');
  for (const a of spec.aliases ?? []) c.alias(a);
  for (const [syntax, doc] of spec.args ?? []) c.argument(syntax, doc);
  for (const f of spec.flags ?? []) {
    if (f.repeat) c.option(f.flags, f.doc, collect);
    else if (f.default !== undefined) c.option(f.flags, f.doc, f.default);
    else c.option(f.flags, f.doc);
  }
  if (spec.dryRun) c.option('--dry-run', 'print the commands instead of running them');
  c.action(async (...all: unknown[]) => {
    const command = all[all.length - 1] as Command;
    done(await spec.run(ctx, all.slice(0, -2), command.opts()));
  });
}
