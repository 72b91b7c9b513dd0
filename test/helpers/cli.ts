/** Runs the CLI in-process with captured output, a private BERTH_HOME and an optional recording runner. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { IO } from '../../src/cli/io.js';
import type { Runner } from '../../src/engine/runner.js';
import type { Engine } from '../../src/engine/docker-api.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempHome(prefix = 'berth-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function runCli(
  argv: string[],
  opts: { home: string; cwd?: string; runner?: Runner; engine?: Engine; env?: Record<string, string>; answers?: string[]; tty?: boolean },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const answers = [...(opts.answers ?? [])];
  const io: IO = {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env: { ...process.env, BERTH_HOME: opts.home, ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: !!opts.tty,
    stdinTTY: !!opts.tty || answers.length > 0,
    ask: async () => answers.shift() ?? '',
  };
  const code = await main(argv, io, opts.runner, opts.engine);
  return { code, stdout, stderr };
}
