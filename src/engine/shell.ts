/**
 * The one place berth writes a command line for a POSIX shell. Programs run
 * here get argv arrays and no shell; a command run on another host over ssh
 * reaches that host as one line its login shell (sh, bash, dash, zsh) reads,
 * so each argument is quoted here, once, and nowhere else. The same quoting
 * shows commands to the user (--dry-run, errors).
 */
import type { Command } from './runner.js';

/** Characters that mean nothing to a shell anywhere in a word (no ~ or # at its start, no glob, no $). */
const PLAIN = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** One argument as one shell word: as it is when plain, else in single quotes (a ' inside as '\''). */
export function shellWord(arg: string): string {
  // No command line can carry a NUL: sh would cut the argument there.
  if (arg.includes('\0')) throw new Error('internal: an argument holds a NUL byte, which no command line can carry');
  return PLAIN.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv as the words of one command line. */
export function shellLine(argv: string[]): string {
  return argv.map(shellWord).join(' ');
}

/**
 * A POSIX sh script that reads NAME=value lines from stdin, up to an empty
 * line, into its environment, then runs its arguments: how secrets reach a
 * program on another host without being on any command line or disk there.
 */
export const ENV_FROM_STDIN = 'while IFS= read -r l && [ -n "$l" ]; do export "$l"; done; exec "$@"';

/** The lines ENV_FROM_STDIN reads: one NAME=value each (one line per value), then the empty line. */
export function stdinEnv(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`internal: ${JSON.stringify(k)} is not an environment name`);
    if (/[\n\r\0]/.test(v)) throw new Error(`internal: the value of ${k} is not one line`);
    return `${k}=${v}\n`;
  });
  return `${lines.join('')}\n`;
}

/**
 * A command as the one line a remote shell runs: into its folder, with its
 * extra environment (names checked by whoever set them; never a secret), then
 * its argv in place of the shell. argv in, one line out, every word quoted.
 */
export function remoteLine(cmd: Command): string {
  const env = Object.entries(cmd.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`internal: ${JSON.stringify(k)} is not an environment name`);
    return `${k}=${v}`;
  });
  // Secret values come on stdin (stdinEnv), read by a wrapper: the line names no secret.
  const argv = Object.keys(cmd.secretEnv ?? {}).length ? ['sh', '-c', ENV_FROM_STDIN, 'sh', ...cmd.argv] : cmd.argv;
  const run = `exec ${shellLine(env.length ? ['env', ...env, ...argv] : argv)}`;
  return cmd.cwd ? `cd ${shellWord(cmd.cwd)} && ${run}` : run;
}
