/**
 * Another host over the system's `ssh`, so what the user's ssh knows applies
 * (~/.ssh/config, agents, ProxyJump, known_hosts). One connection per host for
 * a whole command: the first ssh becomes the master (ControlMaster, its
 * socket in a private folder), and every later command and the engine's
 * socket ride on it. Commands reach the host as argv quoted once, here
 * (shell.ts). BatchMode: ssh never asks; a host key seen for the first time
 * is refused unless the user asked to trust new ones (accept-new).
 *
 * The host's engine is read through its own socket forwarded to a local one
 * (-L local.sock:/var/run/docker.sock) on that connection, so berth's Engine
 * API client, and with it the readiness logic of `up`, works on the host as
 * it does here: one request per poll, no docker CLI started per question.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors.js';
import { parseSshUrl, sshDestination, type SshUrl } from '../util/ssh-url.js';
import type { Command, RunOptions, RunResult, Runner } from './runner.js';
import { remoteLine, stdinEnv } from './shell.js';

export interface SshOptions {
  /** An ssh_config file used instead of ~/.ssh/config (ssh -F): BERTH_SSH_CONFIG. */
  config?: string;
  /** Trust a host key seen for the first time (StrictHostKeyChecking=accept-new); a changed one is still refused. */
  acceptNewHostKey?: boolean;
  /** The engine's socket on the host. */
  dockerSocket?: string;
  /** Where the master's socket and the forwarded engine socket go (default: a new private temp folder). */
  controlDir?: string;
}

/** What ssh itself says when it cannot connect or log in. */
const SSH_FAILED = /^ssh: |Permission denied \(|Host key verification failed|kex_exchange_identification|Connection (refused|closed|timed out|reset)|Could not resolve hostname|mux_client/m;

/** The master outlives a berth killed mid-deploy by this long at most, once nothing uses it. */
const PERSIST_SECONDS = 60;

/** Secret values ride on stdin ahead of what the command itself reads (remoteLine's wrapper takes them off). */
function withSecretInput(cmd: Command, opts: RunOptions): RunOptions {
  if (!Object.keys(cmd.secretEnv ?? {}).length) return opts;
  const head = stdinEnv(cmd.secretEnv!);
  const input = opts.input;
  if (opts.stdio === 'inherit' || (input !== undefined && typeof input !== 'string' && !Buffer.isBuffer(input))) throw new Error('internal: a command with secrets reads them on stdin, so it cannot read the terminal or a stream too');
  return { ...opts, input: input === undefined ? head : Buffer.concat([Buffer.from(head), Buffer.from(input)]) };
}

export class SshTransport {
  readonly url: SshUrl;
  readonly dir: string;
  /** The host's engine socket, forwarded here once connected. */
  readonly engineSocket: string;
  /** Runs commands on the host. */
  readonly runner: Runner;

  constructor(
    readonly text: string,
    private readonly local: Runner,
    private readonly o: SshOptions = {},
  ) {
    const url = parseSshUrl(text);
    if (!url) throw new BerthError(`${text} is not an ssh:// URL like ssh://deploy@backend.example:22`, { code: 'usage' });
    this.url = url;
    // Short: a unix socket's path has room for about 100 bytes.
    this.dir = o.controlDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ssh-'));
    this.engineSocket = path.join(this.dir, 'docker.sock');
    this.runner = { run: (cmd, opts) => this.run(cmd, opts) };
  }

  /** The options every ssh of this host takes: never ask, one shared connection. */
  private options(): string[] {
    return [
      ...(this.o.config ? ['-F', this.o.config] : []),
      '-o', 'BatchMode=yes',
      ...(this.o.acceptNewHostKey ? ['-o', 'StrictHostKeyChecking=accept-new'] : []),
      '-o', 'ControlMaster=auto',
      '-o', `ControlPath=${path.join(this.dir, 'master')}`,
      '-o', `ControlPersist=${PERSIST_SECONDS}`,
      '-o', 'ServerAliveInterval=15',
      ...(this.url.port ? ['-p', String(this.url.port)] : []),
    ];
  }

  /** The ssh argv that runs one command line on the host. */
  argv(line: string, extra: string[] = []): string[] {
    return ['ssh', ...this.options(), ...extra, '--', sshDestination(this.url), line];
  }

  /** Opens the connection and forwards the host's engine socket; a refusal is an error with ssh's own words and the usual fixes. */
  async connect(): Promise<void> {
    const forward = ['-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-L', `${this.engineSocket}:${this.o.dockerSocket ?? '/var/run/docker.sock'}`];
    const r = await this.local.run({ argv: this.argv('exec true', forward) });
    if (r.code !== 0) throw this.unreachable(r);
  }

  private async run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.local.run({ argv: this.argv(remoteLine(cmd)) }, withSecretInput(cmd, opts));
    // 255 is also the exit code of ssh's own failure (the connection), told apart by what ssh says.
    if (r.code === 255 && SSH_FAILED.test(r.stderr)) throw this.unreachable(r);
    return r;
  }

  private unreachable(r: RunResult): BerthError {
    const said = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ssh exited with ${r.code}`;
    const fix = /Host key verification failed|No .*host key is known/i.test(r.stderr)
      ? `its host key is not in your known_hosts: check it and add it (ssh-keyscan), or pass --accept-new-host-key to trust it on first use`
      : /Permission denied/i.test(r.stderr)
        ? 'ssh found no key the host accepts: load one into ssh-agent or name it in ~/.ssh/config (berth never asks for a password)'
        : 'check that the host is up and that `ssh` reaches it from here';
    return new BerthError(`cannot reach ${this.text}: ${said}; ${fix}`, { code: 'engine_unreachable' });
  }

  /** Ends the shared connection and removes its private folder. */
  async close(): Promise<void> {
    await this.local.run({ argv: ['ssh', ...this.options(), '-O', 'exit', '--', sshDestination(this.url)] }).catch(() => undefined);
    if (!this.o.controlDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
