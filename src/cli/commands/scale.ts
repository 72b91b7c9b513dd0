import type { Context } from '../context.js';
import { UsageError } from '../../errors.js';
import { checkServices, ensureEngine, openStack } from '../../ops/session.js';
import { upStack } from '../../ops/up.js';
import { parseDuration } from '../../util/duration.js';
import { printJson, warn } from '../output.js';
import { progress } from '../progress.js';

/** berth scale <name> web=3 worker=5: replicas at run time (stack.yaml replicas: keeps a number for good). */
export async function run(ctx: Context, [name, pairs]: unknown[], opts: { json?: boolean; dryRun?: boolean; wait?: boolean; timeout?: string }): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const scale: Record<string, number> = {};
  for (const p of (pairs as string[]) ?? []) {
    const m = /^([a-z0-9][a-z0-9_-]*)=(\d+)$/.exec(p);
    if (!m) throw new UsageError(`scale: ${JSON.stringify(p)} is not service=count (e.g. worker=3)`);
    scale[m[1]!] = Number(m[2]);
  }
  if (!Object.keys(scale).length) throw new UsageError('scale: give at least one service=count, e.g. berth scale prod worker=3');
  checkServices(s, Object.keys(scale));
  for (const [svc, n] of Object.entries(scale)) {
    const m = s.manifest.services.find((x) => x.name === svc)!;
    if (m.role === 'job') throw new UsageError(`scale: ${svc} is a one-shot job; only long-running services scale`);
    if (n > 1 && m.ports.length) {
      throw new UsageError(`scale: ${svc} publishes host port ${m.ports[0]!.host}, which ${n} replicas cannot share; drop its port (put nginx in front) or use scale: in stack.yaml for one port per instance`);
    }
    if (n > 100) throw new UsageError(`scale: ${n} replicas of ${svc} is more than 100; that is probably a typo`);
  }
  await ensureEngine(s);
  const wait = opts.wait !== false;
  const show = wait && !opts.dryRun ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
  try {
    await upStack(s, {
      wait,
      timeoutMs: parseDuration(opts.timeout ?? '300', '--timeout'),
      services: Object.keys(scale),
      scale,
      noDeps: true,
      onUpdate: (v) => show?.update(v),
      onWait: (h) => warn(ctx.io, `waiting for ${h} to finish with stack ${s.ref.name}`),
    });
  } finally {
    show?.done();
  }
  if (opts.json) printJson(ctx.io, { stack: s.ref.name, scale });
  else if (!opts.dryRun) ctx.io.out(`Scaled ${Object.entries(scale).map(([k, n]) => `${k} to ${n}`).join(', ')} (until the next up; set replicas: in stack.yaml to keep it).\n`);
  return 0;
}
