import type { Context } from '../context.js';
import { checkServices, openStack } from '../../ops/session.js';
import { upStack } from '../../ops/up.js';
import { parseDuration } from '../../util/duration.js';
import { progress } from '../progress.js';
import { printJson, warn } from '../output.js';

interface Opts {
  json?: boolean;
  wait?: boolean;
  timeout?: string;
  build?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const services = (only as string[] | undefined)?.length ? (only as string[]) : undefined;
  checkServices(s, services ?? []);
  const timeoutMs = parseDuration(opts.timeout ?? '300', '--timeout');
  const wait = opts.wait !== false;
  const show = wait && !opts.dryRun ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
  let result;
  try {
    result = await upStack(s, {
      wait,
      timeoutMs,
      services,
      build: opts.build,
      onUpdate: (v) => show?.update(v),
      onWait: (holder) => warn(ctx.io, `waiting for ${holder} to finish with stack ${s.ref.name}`),
    });
  } finally {
    show?.done();
  }
  if (opts.dryRun) return 0;
  if (opts.json) {
    printJson(ctx.io, { stack: s.ref.name, ready: wait, elapsedMs: result.elapsedMs, services: result.views.map((v) => ({ name: v.name, state: v.state, containers: v.containers.length })) });
  } else if (wait) {
    const what = services ? services.join(', ') : `Stack ${s.ref.name}`;
    ctx.io.out(`\n${what} ${services && services.length > 1 ? 'are' : 'is'} up: ${services ? 'healthy' : 'every service healthy'} in ${(result.elapsedMs / 1000).toFixed(1)}s.\n`);
  } else {
    ctx.io.out(`Stack ${s.ref.name} is starting (not waiting); berth status ${s.ref.name} shows its health.\n`);
  }
  return 0;
}
