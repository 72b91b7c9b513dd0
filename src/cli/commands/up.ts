/** berth up: start a stack (or some services) and wait until it is ready. */
import type { CommandSpec } from '../spec.js';
import { parseDuration } from '../../util/duration.js';
import { opsDeps } from '../deps.js';
import { progress } from '../progress.js';
import { printJson } from '../output.js';

/** --profile p (repeatable, or comma-separated). */
const profileList = (given: string[] | undefined) => given && [...new Set(given.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean))];

export const up: CommandSpec = {
  name: 'up',
  doc: 'start a stack and wait until every service is healthy and every job has exited 0',
  aliases: ['start'],
  args: [['<name>', 'stack name'], ['[services...]', 'only these services (and what they depend on)']],
  dryRun: true,
  flags: [
    { flags: '--no-wait', doc: 'return once the containers are started' },
    { flags: '--timeout <duration>', doc: 'how long to wait for health (e.g. 120, 90s, 5m)', default: '300' },
    { flags: '--build', doc: 'build images first' },
    { flags: '--var <NAME=value>', doc: 'set a variable of the stack for this up and the commands after it (repeatable)', repeat: true },
    { flags: '--profile <name>', doc: "run these profiles instead of the stack's (repeatable), until the next up", repeat: true },
    { flags: '--allow-secret-change', doc: 'start although a database password differs from the one its data was made with' },
  ],
  async run(ctx, [name, only], opts) {
    const [{ openStack, checkServices }, { upStack, runChoices }] = await Promise.all([import('../../ops/session.js'), import('../../ops/up.js')]);
    const s = openStack(opsDeps(ctx, { json: !!opts.json }), String(name), { dryRun: !!opts.dryRun });
    const services = (only as string[] | undefined)?.length ? (only as string[]) : undefined;
    checkServices(s, services ?? []);
    const timeoutMs = parseDuration(String(opts.timeout ?? '300'), '--timeout');
    const choices = runChoices(s, (opts.var as string[] | undefined) ?? [], profileList(opts.profile as string[] | undefined));
    const wait = opts.wait !== false;
    const show = wait && !opts.dryRun ? await progress(ctx.io, opts.json ? { plainTo: (t) => ctx.io.err(t) } : {}) : undefined;
    let result;
    try {
      result = await upStack(s, { wait, timeoutMs, services, build: !!opts.build, choices, allowSecretChange: !!opts.allowSecretChange, release: true, onUpdate: (v) => show?.update(v) });
    } finally {
      show?.done();
    }
    if (opts.dryRun) return 0;
    if (opts.json) {
      printJson(ctx.io, { stack: s.ref.name, ready: wait, elapsedMs: result.elapsedMs, profiles: s.profiles, vars: s.vars, services: result.views.map((v) => ({ name: v.name, state: v.state, containers: v.containers.length })) });
    } else if (wait) {
      const what = services ? services.join(', ') : `Stack ${s.ref.name}`;
      ctx.io.out(`\n${what} ${services && services.length > 1 ? 'are' : 'is'} up: ${services ? 'healthy' : 'every service healthy'} in ${(result.elapsedMs / 1000).toFixed(1)}s.\n`);
    } else {
      ctx.io.out(`Stack ${s.ref.name} is started (not waiting for health); berth status ${s.ref.name} shows it.\n`);
    }
    return 0;
  },
};
