/** Filesystem failures, made for real: each is one line naming the path, what is wrong and what to do. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { newHome } from './_util.js';

const root = process.getuid?.() === 0;

/** A tmpfs mounted at a new folder (root only), unmounted when the test ends. */
function tmpfs(options: string): string {
  const dir = fs.mkdtempSync(path.join(newHome(), 'mnt-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  onTestFinished(() => {
    execFileSync('umount', [dir]);
  });
  return dir;
}

/** exit 1, nothing on stdout, one line on stderr; returns the message. */
function expectOneLine(r: CliResult): string {
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^berth: error: [^\n]+\n$/);
  expect(r.code).toBe(1);
  return r.stderr.slice('berth: error: '.length, -1);
}

describe('filesystem errors', () => {
  it('BERTH_HOME is a file (ENOTDIR)', async () => {
    const file = path.join(newHome(), 'home-file');
    fs.writeFileSync(file, 'not a folder\n');
    const r = await runCli(['generate', 'a', '--postgres'], { home: file });
    expect(expectOneLine(r)).toBe(`cannot create ${file}/locks: ${file} is a file, not a folder (ENOTDIR); move that file away or set BERTH_HOME to a folder`);
    const show = await runCli(['show', 'a'], { home: file });
    expect(expectOneLine(show)).toMatch(new RegExp(`^cannot \\w+ ${file}/\\S+: ${file} is a file, not a folder \\(ENOTDIR\\); move that file away or set BERTH_HOME to a folder$`));
  });

  it('a name too long for the file system (ENAMETOOLONG)', async () => {
    const home = path.join(newHome(), 'h'.repeat(300));
    const r = await runCli(['generate', 'a', '--postgres'], { home });
    expect(expectOneLine(r)).toBe(`cannot create ${home}/locks: name too long (ENAMETOOLONG); use a shorter path or set BERTH_HOME to a shorter folder`);
  });

  it.skipIf(!root)('a read-only BERTH_HOME (EROFS)', async () => {
    const home = tmpfs('ro');
    const r = await runCli(['generate', 'a', '--postgres'], { home });
    expect(expectOneLine(r)).toBe(`cannot create ${home}/locks: read-only file system (EROFS); make it writable or set BERTH_HOME to a writable folder`);
  });

  it.skipIf(!root)('a full disk (ENOSPC)', async () => {
    const home = tmpfs('size=64k');
    // Fill it up, leaving room for the lock folder only.
    fs.mkdirSync(path.join(home, 'locks'));
    try {
      fs.writeFileSync(path.join(home, 'fill'), Buffer.alloc(1 << 20));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const r = await runCli(['generate', 'a', '--postgres'], { home });
    expect(expectOneLine(r)).toMatch(new RegExp(`^cannot write (under )?${home}(/\\S+)?: no space left on the device \\(ENOSPC\\); free some space on that disk \\(df -h shows it\\) or set BERTH_HOME to a folder on another disk$`));
  });

  it('a file outside BERTH_HOME: the fix does not mention BERTH_HOME', async () => {
    const home = newHome();
    const dir = fs.mkdtempSync(path.join(home, 'cwd-'));
    // A folder where stack.yaml should be: reading it fails with EISDIR.
    fs.mkdirSync(path.join(dir, 'stack.yaml'));
    const other = fs.mkdtempSync(path.join(path.dirname(home), 'berth-other-'));
    onTestFinished(() => fs.rmSync(other, { recursive: true, force: true }));
    const r = await runCli(['generate', 'a', '-f', path.join(dir, 'stack.yaml')], { home: other, cwd: dir });
    expect(r.code).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).not.toMatch(/BERTH_HOME/);
  });
});

describe('a dry run writes nothing', () => {
  it.skipIf(!root)('generate --dry-run and up --dry-run work on a read-only BERTH_HOME', async () => {
    const home = tmpfs('size=4m');
    const made = await runCli(['generate', 'a', '--postgres'], { home });
    expect(made.code, made.stderr).toBe(0);
    execFileSync('mount', ['-o', 'remount,ro', home]);
    const gen = await runCli(['generate', 'a', '--postgres', '--dry-run'], { home });
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('services:');
    const up = await runCli(['up', 'a', '--dry-run'], { home, env: { BERTH_COMPOSE: 'docker compose' } });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/up --no-start --remove-orphans --no-deps postgres\)\n# then berth starts, each group once the one before is ready: postgres\n$/);
    const down = await runCli(['down', 'a', '--dry-run'], { home, env: { BERTH_COMPOSE: 'docker compose' } });
    expect(down.code, down.stderr).toBe(0);
  });
});
