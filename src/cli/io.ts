import type { SignalSource } from '../engine/runner.js';

/** What commands may touch of the outside world; tests pass their own. */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout is a terminal (progress rewrites lines, exec is interactive). */
  isTTY: boolean;
  /** stdin is a terminal (confirmation prompts are possible). */
  stdinTTY: boolean;
  /** Ask a question on the terminal; resolves to the answer. */
  ask?(question: string): Promise<string>;
  /** Signals sent to berth (only the real process has them). */
  signals?: SignalSource;
}

export function processIO(): IO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    signals: process,
    cwd: process.cwd(),
    isTTY: !!process.stdout.isTTY,
    stdinTTY: !!process.stdin.isTTY,
    ask: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
