/** Helpers for the CLI tests: file snapshots (content + mode) and stderr checks. */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { expect, onTestFinished } from 'vitest';
import { tempHome, type CliResult } from '../helpers/cli.js';

/** Every file under dir (dot files included): relative path -> sha256 of content + mode. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        out[path.relative(dir, p)] = `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${(st.mode & 0o777).toString(8)} ${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** Every file under dir with its text. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** stderr without warnings about listeners on this machine (the tests must not depend on the host). */
export function stderrOf(r: CliResult): string {
  return r.stderr
    .split('\n')
    .filter((l) => !/^berth: warning: port \d+ \(.*\) is in use on this host/.test(l))
    .join('\n');
}

/** A usage error: exit 2, nothing on stdout, exactly one line `berth: error: ...` on stderr. */
export function expectUsageError(r: CliResult, ...fragments: string[]): string {
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^berth: error: [^\n]+\n$/);
  for (const f of fragments) expect(r.stderr).toContain(f);
  expect(r.code).toBe(2);
  return r.stderr.slice('berth: error: '.length, -1);
}

/** A private BERTH_HOME removed when the test finishes. */
export function newHome(): string {
  const dir = tempHome();
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
