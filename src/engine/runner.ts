/**
 * The one place berth starts other programs. Commands are argv arrays, run
 * without a shell. A recording runner makes CLI tests exact; a dry-run runner
 * prints what would run.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { shellLine } from './shell.js';

export interface Command {
  argv: string[];
  cwd?: string;
  /** Extra environment on top of the current one. */
  env?: Record<string, string>;
  /**
   * Secret values the program gets in its environment: never shown (dry run,
   * errors), and on another host sent on stdin, never on its command line.
   */
  secretEnv?: Record<string, string>;
}

export interface RunOptions {
  /** inherit: the child uses the terminal (logs -f, exec). pipe: output is captured. */
  stdio?: 'pipe' | 'inherit';
  /** What the child reads on stdin: text, bytes (a tar of files), or a stream (images on their way to another host). */
  input?: string | Buffer | Readable;
  signal?: AbortSignal;
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(cmd: Command, opts?: RunOptions): Promise<RunResult>;
  /** True when commands are only printed (--dry-run). */
  readonly dryRun?: boolean;
  /** With dryRun: a runner for read-only questions (which Compose is installed). */
  readonly probe?: Runner;
}

/** For display: how the argv would look typed in a shell. */
export function formatArgv(argv: string[]): string {
  return shellLine(argv);
}

/** Where signals sent to berth arrive (the entry point's process); a runner passes them on to a child on the terminal. */
export interface SignalSource {
  on(signal: NodeJS.Signals, fn: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, fn: (signal: NodeJS.Signals) => void): unknown;
}

/** Runs programs for real. `env`: the environment children start from; `signals`: what to pass on to a child on the terminal. */
export class ProcessRunner implements Runner {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly signals?: SignalSource,
  ) {}

  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const [file, ...args] = cmd.argv;
      if (!file) return reject(new Error('internal: empty command'));
      const child = spawn(file, args, {
        cwd: cmd.cwd,
        env: { ...this.env, ...(cmd.env ?? {}), ...(cmd.secretEnv ?? {}) },
        stdio: opts.stdio === 'inherit' ? 'inherit' : ['pipe', 'pipe', 'pipe'],
        signal: opts.signal,
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        opts.onStdout?.(c);
      });
      child.stderr?.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        opts.onStderr?.(c);
      });
      if (child.stdin) {
        // A child may exit before it reads its input (or without reading it): the write then fails with
        // EPIPE. That is no error of berth's; the child's exit code says how it went.
        child.stdin.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e);
        });
        const input = opts.input ?? '';
        if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
        else input.on('error', (e) => (child.kill(), reject(e))).pipe(child.stdin);
      }
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') reject(new BerthError(`${file} is not installed (or not on PATH); install it and try again`));
        else if (e.name === 'AbortError') resolve({ code: 130, stdout, stderr });
        else reject(e);
      });
      // A child on the terminal (logs -f, exec) stops with berth: a signal sent to berth alone
      // (kill, timeout, a CI runner) is passed on, and berth waits for the child to go.
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      const signals: NodeJS.Signals[] = opts.stdio === 'inherit' && this.signals ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : [];
      for (const sig of signals) this.signals!.on(sig, forward);
      child.on('close', (code, signal) => {
        for (const sig of signals) this.signals!.off(sig, forward);
        // A child writing to berth's own output (logs, exec) dies of SIGPIPE when the reader stops early
        // (`berth logs prod | head -1`): that ends quietly, as berth's own writes do (see bin.ts).
        if (signal === 'SIGPIPE' && opts.stdio === 'inherit') return resolve({ code: 0, stdout, stderr });
        resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 15) : 1), stdout, stderr });
      });
    });
  }
}

/** Runs `cmd`; a non-zero exit is an error saying `what` failed, with the command's last words. Resolves to its stdout. */
export async function runOrFail(runner: Runner, cmd: Command, what: string, opts: RunOptions = {}): Promise<string> {
  const r = await runner.run(cmd, opts);
  if (r.code !== 0) throw new BerthError(`${what} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`}`, { code: 'engine_failed' });
  return r.stdout;
}

export interface Recorded extends Command {
  stdio?: RunOptions['stdio'];
  /** What it was given on stdin, when text or bytes. */
  input?: string | Buffer;
}

/** Records every command; answers with scripted results (default: success, no output). */
export class RecordingRunner implements Runner {
  readonly commands: Recorded[] = [];
  constructor(private readonly answer: (cmd: Command) => Partial<RunResult> | undefined = () => undefined) {}
  async run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    const input = typeof opts.input === 'string' || Buffer.isBuffer(opts.input) ? opts.input : undefined;
    if (opts.input && !input) (opts.input as Readable).resume();
    this.commands.push({ ...cmd, stdio: opts.stdio, ...(input !== undefined ? { input } : {}) });
    const r = { code: 0, stdout: '', stderr: '', ...(this.answer(cmd) ?? {}) };
    if (r.stdout) opts.onStdout?.(r.stdout);
    return r;
  }
}

/** --dry-run: prints each command instead of running it. */
export class DryRunRunner implements Runner {
  readonly dryRun = true;
  /** `probe`: runs read-only questions for real (which Compose is installed), so the printed commands are this host's. */
  constructor(
    private readonly print: (line: string) => void,
    readonly probe?: Runner,
  ) {}
  async run(cmd: Command): Promise<RunResult> {
    // Variables set at up (--var) are part of the command: shown as a shell would take them (secrets never are).
    const env = Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${formatArgv([v])} `).join('');
    this.print((cmd.cwd ? `(cd ${formatArgv([cmd.cwd])} && ` : '') + env + formatArgv(cmd.argv) + (cmd.cwd ? ')' : ''));
    return { code: 0, stdout: '', stderr: '' };
  }
}
