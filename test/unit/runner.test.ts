import { describe, expect, it } from 'vitest';
import { ProcessRunner } from '../../src/engine/runner.js';

describe('ProcessRunner', () => {
  it('a child that exits before its input is written is not a crash: its exit code is the result', async () => {
    // 1 MiB does not fit in a pipe: the write is still going when `true` has gone, which is an EPIPE on the child's stdin.
    const input = 'x'.repeat(1 << 20);
    const runner = new ProcessRunner(process.env);
    const crashes: unknown[] = [];
    const onUncaught = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const results = await Promise.all(Array.from({ length: 60 }, () => runner.run({ argv: ['true'] }, { input })));
      expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
      const failed = await runner.run({ argv: ['sh', '-c', 'exit 3'] }, { input });
      expect(failed.code).toBe(3);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(crashes).toEqual([]);
  });

  it('a child on berth\'s output killed by SIGPIPE (its reader stopped early) ends with 0; a captured one does not', async () => {
    const runner = new ProcessRunner(process.env);
    const argv = ['sh', '-c', 'kill -PIPE $$'];
    expect((await runner.run({ argv }, { stdio: 'inherit' })).code).toBe(0);
    expect((await runner.run({ argv }, { stdio: 'pipe' })).code).toBe(141);
  });
});
