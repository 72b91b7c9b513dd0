/**
 * A throwaway password store for tests, with the real `pass` and `gpg`: a
 * GNUPGHOME of its own holding a key without passphrase, and a
 * PASSWORD_STORE_DIR encrypted to it. `env` is what a program needs to read
 * it; `close` stops the gpg-agent it started and removes both folders.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class PassStore {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pass-'));
  readonly env: Record<string, string>;

  constructor() {
    const gnupg = path.join(this.dir, 'gnupg');
    fs.mkdirSync(gnupg, { mode: 0o700 });
    this.env = { GNUPGHOME: gnupg, PASSWORD_STORE_DIR: path.join(this.dir, 'store') };
    const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env: this.all(), stdio: 'pipe' });
    gpg(['--quick-gen-key', 'berth test <test@berth.invalid>', 'future-default', 'default', 'never']);
    const fpr = /^fpr:+([0-9A-F]+):/m.exec(execFileSync('gpg', ['--with-colons', '--list-secret-keys'], { env: this.all(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))![1]!;
    execFileSync('pass', ['init', fpr], { env: this.all(), stdio: 'pipe' });
  }

  /** The environment with this store's variables on top. */
  all(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.env };
  }

  /** An entry, as `pass insert --multiline` stores it (the first line is the password). */
  insert(name: string, content: string): void {
    execFileSync('pass', ['insert', '--multiline', '--force', name], { env: this.all(), input: content, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  close(): void {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: this.all(), stdio: 'ignore' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
