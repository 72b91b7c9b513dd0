import type { Context } from '../context.js';
import { UsageError } from '../../errors.js';
import { checkServices, openStack, type Session } from '../../ops/session.js';
import { upStack } from '../../ops/up.js';
import { parseVars } from '../../ops/up-checks.js';
import { parseDuration } from '../../util/duration.js';
import { progress } from '../progress.js';
import { printJson, warn } from '../output.js';

interface Opts {
  json?: boolean;
  wait?: boolean;
  timeout?: string;
  build?: boolean;
  dryRun?: boolean;
  var?: string[];
  profile?: string[];
  allowSecretChange?: boolean;
}

/** --profile p (repeatable, or comma-separated): profiles of the stack's services. */
function profilesOf(s: Session, given: string[] | undefined): string[] | undefined {
  if (!given) return undefined;
  const profiles = [...new Set(given.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean))];
  const unknown = profiles.find((p) => !s.manifest.knownProfiles.includes(p));
  if (unknown) {
    const known = s.manifest.knownProfiles;
    throw new UsageError(`--profile: ${unknown} is not a profile of stack ${s.ref.name}; ${known.length ? `its profiles: ${known.join(', ')}` : 'it has none'}`);
  }
  return profiles;
}

export async function run(ctx: Context, [name, only]: unknown[], opts: Opts): Promise<number> {
  const s = openStack(ctx, String(name), { dryRun: opts.dryRun, json: opts.json });
  const services = (only as string[] | undefined)?.length ? (only as string[]) : undefined;
  checkServices(s, services ?? []);
  const timeoutMs = parseDuration(opts.timeout ?? '300', '--timeout');
  const choices = { vars: parseVars(s, opts.var ?? []), profiles: profilesOf(s, opts.profile) };
  const wait = opts.wait !== false;
  const show = wait && !opts.dryRun ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
  let result;
  try {
    result = await upStack(s, {
      wait,
      timeoutMs,
      services,
      build: opts.build,
      choices,
      allowSecretChange: opts.allowSecretChange,
      onUpdate: (v) => show?.update(v),
      onWait: (holder) => warn(ctx.io, `waiting for ${holder} to finish with stack ${s.ref.name}`),
    });
  } finally {
    show?.done();
  }
  if (opts.dryRun) {
    const line = `# then berth starts, each group once the one before is ready: ${result.order.map((g) => g.join(' ')).join(' -> ')}\n`;
    (opts.json ? ctx.io.err : ctx.io.out)(line);
    return 0;
  }
  if (opts.json) {
    printJson(ctx.io, { stack: s.ref.name, ready: wait, elapsedMs: result.elapsedMs, profiles: s.profiles, vars: s.vars, services: result.views.map((v) => ({ name: v.name, state: v.state, containers: v.containers.length })) });
  } else if (wait) {
    const what = services ? services.join(', ') : `Stack ${s.ref.name}`;
    ctx.io.out(`\n${what} ${services && services.length > 1 ? 'are' : 'is'} up: ${services ? 'healthy' : 'every service healthy'} in ${(result.elapsedMs / 1000).toFixed(1)}s.\n`);
  } else {
    ctx.io.out(`Stack ${s.ref.name} is started (not waiting for health); berth status ${s.ref.name} shows it.\n`);
  }
  return 0;
}
