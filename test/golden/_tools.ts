/**
 * External validators (docker-compose, promtool, nginx, openssl): found on PATH,
 * run without a shell, a few at a time. With CI=true a missing tool fails the
 * test; elsewhere the check is skipped with a loud warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';

const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const warned = new Set<string>();

/** The tool's path, or: throws under CI=true, else warns once and skips the test. */
export function needTool(name: string, skip: (note?: string) => never, why: string): string {
  const found = findTool(name);
  if (found) return found;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed, and CI=true requires it (${why})`);
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(`\n!!! ${name} NOT FOUND: skipping ${why}. Install it (CI=true makes this a failure). !!!\n`);
  }
  return skip(`${name} not installed`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === 1 && !stderr ? String(err.message) : '') });
    });
  });
}

/** Runs jobs with at most `limit` in flight; results keep the order of the jobs. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}
