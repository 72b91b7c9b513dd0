import type { Context } from '../context.js';
import { openStack } from '../../ops/session.js';
import { allStatus, stackStatus } from '../../ops/status.js';
import { printJson, table } from '../output.js';

export async function run(ctx: Context, [name]: unknown[], opts: { json?: boolean }): Promise<number> {
  if (name === undefined) {
    const stacks = await allStatus(ctx);
    if (opts.json) printJson(ctx.io, stacks);
    else if (!stacks.length) ctx.io.out('No stacks yet. Create one: berth generate <name> --web --postgres --monitoring\n');
    else ctx.io.out(table(['STACK', 'STATE', 'READY', 'PORTS'], stacks.map((s) => [s.name, s.state, `${s.ready}/${s.services}`, s.ports.join(',') || '-'])));
    return stacks.some((s) => s.state === 'degraded' || s.state === 'damaged') ? 1 : 0;
  }
  const s = openStack(ctx, String(name));
  const views = await stackStatus(s);
  const byName = new Map(s.manifest.services.map((m) => [m.name, m]));
  if (opts.json) {
    printJson(ctx.io, {
      stack: s.ref.name,
      profiles: s.profiles,
      vars: s.vars,
      services: views.map((v) => ({
        name: v.name,
        component: v.component,
        role: v.role,
        state: v.state,
        ready: v.ready,
        active: v.active,
        containers: v.containers.map((c) => ({ id: c.id.slice(0, 12), name: c.name, state: c.state, health: c.health ?? null, exitCode: c.exitCode ?? null, restarts: c.restarts ?? 0, image: c.image, ports: c.ports })),
      })),
    });
  } else {
    const rows = views.map((v) => {
      const cs = v.containers;
      return [
        v.name + (cs.length > 1 ? ` x${cs.length}` : ''),
        v.state,
        [...new Set(cs.map((c) => c.health ?? (byName.get(v.name)?.healthcheck ? 'starting' : '-')))].join(',') || '-',
        [...new Set(cs.flatMap((c) => c.ports))].join(', ') || '-',
        String(cs.reduce((n, c) => n + (c.restarts ?? 0), 0)),
        cs[0]?.image ?? byName.get(v.name)?.image ?? '-',
      ];
    });
    const chosen = [
      s.profiles.join(',') !== s.manifest.profiles.join(',') ? `profiles ${s.profiles.join(', ') || '(none)'}` : '',
      Object.keys(s.vars).length ? Object.entries(s.vars).map(([k, v]) => `${k}=${v}`).join(' ') : '',
    ].filter(Boolean);
    if (chosen.length) ctx.io.out(`Set at berth up: ${chosen.join('; ')}\n\n`);
    ctx.io.out(table(['SERVICE', 'STATE', 'HEALTH', 'PORTS', 'RESTARTS', 'IMAGE'], rows));
    const orphans = views.filter((v) => v.state === 'orphan').map((v) => v.name);
    if (orphans.length) ctx.io.out(`\n${orphans.join(', ')}: no longer in the stack; berth up ${s.ref.name} removes ${orphans.length > 1 ? 'them' : 'it'}.\n`);
  }
  return views.every((v) => v.ready) ? 0 : 1;
}
