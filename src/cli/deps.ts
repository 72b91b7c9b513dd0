/** The operations' dependencies as the CLI gives them: this process's runner, engine and environment, events printed. */
import type { Context } from './context.js';
import { makeDeps, type OpsDeps, type OpsEvent } from '../ops/deps.js';
import { ProcessRunner } from '../engine/runner.js';
import { DockerApi } from '../engine/docker-api.js';
import { warn } from './output.js';

/**
 * `json`: stdout holds the command's JSON, so a dry run's commands go to stderr.
 * `signal`: aborts waits (Ctrl-C on logs -f).
 */
export function opsDeps(ctx: Context, o: { json?: boolean; signal?: AbortSignal } = {}): OpsDeps {
  const io = ctx.io;
  const onEvent = (e: OpsEvent) => {
    if (e.type === 'command' || e.type === 'note') (o.json ? io.err : io.out)(`${e.type === 'note' ? '# ' : ''}${e.type === 'command' ? e.line : e.message}\n`);
    else if (e.type === 'warning') warn(io, e.message);
    else if (e.type === 'progress') io.err(`${e.message}\n`);
    else warn(io, `waiting for ${e.holder} to finish with stack ${e.stack}`);
  };
  return makeDeps({
    home: ctx.home,
    env: io.env,
    runner: ctx.runner ?? new ProcessRunner(io.env, io.signals),
    engine: () => ctx.engine ?? new DockerApi(io.env),
    signal: o.signal,
    onEvent,
  });
}
