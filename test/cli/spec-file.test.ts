/** -f: what berth reads as a stack file, and how much of it. */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUsageError, newHome } from './_util.js';

const TOO_BIG = 'is larger than 1 MiB, the most berth reads for a stack file; check it is the right file';

async function generateFrom(file: string, home = newHome()) {
  const r = await runCli(['generate', 's', '-f', file], { home, cwd: home });
  expect(fs.existsSync(path.join(home, 'stacks'))).toBe(false);
  return r;
}

describe('-f', () => {
  it('a file over 1 MiB is refused, naming it and the limit', async () => {
    const home = newHome();
    // Valid YAML all the way, so only the size can be the problem.
    fs.writeFileSync(path.join(home, 'big.yaml'), `services:\n  redis: {}\n${'#'.repeat(1024 * 1024)}\n`);
    expect(expectUsageError(await generateFrom('big.yaml', home))).toBe(`-f big.yaml: ${TOO_BIG}`);
  });

  it('a file of exactly 1 MiB is read', async () => {
    const home = newHome();
    const head = 'services:\n  redis: {}\n#';
    fs.writeFileSync(path.join(home, 'edge.yaml'), head + '#'.repeat(1024 * 1024 - head.length - 1) + '\n');
    const r = await runCli(['generate', 's', '-f', 'edge.yaml'], { home, cwd: home });
    expect(r.code, r.stderr).toBe(0);
  });

  it('an endless device (/dev/zero) is read only up to the limit', async () => {
    expect(expectUsageError(await generateFrom('/dev/zero'))).toBe(`-f /dev/zero: ${TOO_BIG}`);
  });

  it('a pipe that never ends is read only up to the limit', async () => {
    const home = newHome();
    const fifo = path.join(home, 'endless.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The writer opens the pipe from another process, so berth's open returns; it stops at SIGPIPE.
    const writer = spawn('sh', ['-c', 'exec yes "# endless" > "$1"', 'sh', fifo], { stdio: 'ignore' });
    onTestFinished(() => void writer.kill());
    expect(expectUsageError(await generateFrom('endless.yaml', home))).toBe(`-f endless.yaml: ${TOO_BIG}`);
  });

  it('a directory is refused, pointing at the file in it', async () => {
    const home = newHome();
    fs.mkdirSync(path.join(home, 'app'));
    expect(expectUsageError(await generateFrom('app', home))).toBe('-f app: is a directory; give the stack file in it, like -f app/stack.yaml');
  });
});
