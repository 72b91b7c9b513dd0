/**
 * commander's parse failures as berth's usage errors: one line, the fix after a
 * `;`, and never the value of an option berth does not know: it may be a secret
 * typed after a misspelt flag (`--postgres-pasword=S3cret`).
 */
import type { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { suggest } from '../spec/issues.js';

/** The program's command `name` stands for (aliases too). */
function subcommand(p: Command, name: string | undefined): Command | undefined {
  return name === undefined ? undefined : p.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** `--postgres-pasword=S3cret` -> `--postgres-pasword`, `-pS3cret` -> `-p`: an option's name without its value. */
export function optionName(token: string): string {
  return token.startsWith('--') ? token.split('=')[0]! : token.slice(0, 2);
}

function unknownCommand(p: Command, name: string): UsageError {
  const names = p.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  return new UsageError(`unknown command ${name}; ${suggest(name, names)}see berth --help`);
}

/**
 * `berth help frob` and `berth frob --help` would show the program's help and
 * exit 0: a command that does not exist is a usage error wherever it is named.
 */
export function checkCommand(p: Command, argv: string[]): void {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  if (name === undefined || name.startsWith('-') || name === 'help' || subcommand(p, name)) return;
  throw unknownCommand(p, name);
}

function unknownOption(e: CommanderError, p: Command, argv: string[], help: string): UsageError {
  // The flag as typed is on the message's first line, quoted; only its name is kept.
  const name = optionName(/unknown option '([^\n]*)'/.exec(e.message)?.[1] ?? '');
  const named = argv.indexOf('--name');
  if (name === '--name' && named > 0) {
    // kitt-style `stack start --name prod`: berth takes the name as an argument.
    const rest = argv.filter((_, i) => i !== named && i !== named + 1);
    return new UsageError(`the stack name is an argument, not --name; run berth ${[rest[0], argv[named + 1] ?? '<name>', ...rest.slice(1)].join(' ')}`);
  }
  const cmd = subcommand(p, argv[0]) ?? p;
  const flags = [...cmd.options, ...p.options].flatMap((o) => (o.long ? [o.long] : [])).concat('--help');
  const hint = name.startsWith('--') ? suggest(name, flags) : '';
  return new UsageError(`unknown option ${name || '(empty)'}; ${hint}${help}`, undefined, { path: name });
}

/** A commander parse failure as one line with the help to read. */
export function usageError(e: CommanderError, p: Command, argv: string[]): UsageError {
  const help = `see berth ${subcommand(p, argv[0]) ? `${argv[0]} ` : ''}--help`;
  if (e.code === 'commander.unknownOption') return unknownOption(e, p, argv, help);
  if (e.code === 'commander.unknownCommand') return unknownCommand(p, String(p.args[0] ?? argv[0]));
  // commander puts its suggestion on a second line: `(Did you mean x?)`.
  const msg = e.message
    .replace(/^error: /, '')
    .replace(/\s*\(Did you mean (.+?)\?\)\s*$/s, '; did you mean $1?')
    .replace(/\.$/, '');
  return new UsageError(`${msg}${msg.endsWith('?') ? ' ' : '; '}${help}`);
}
