import type { Context } from '../context.js';
import { readStackEnv, requireManifest } from '../../store/stacks.js';
import { stackDir } from '../../store/home.js';
import { listFiles } from '../../store/files.js';
import { printJson, table } from '../output.js';
import { hostAddress } from '../../util/names.js';

export async function run(ctx: Context, [name]: unknown[], opts: { json?: boolean }): Promise<number> {
  const stack = String(name);
  const m = requireManifest(ctx.home, stack);
  const dir = stackDir(ctx.home, stack);
  const env = readStackEnv(ctx.home, stack);
  // Names only: secret values are never shown.
  const secretNames = Object.keys(env).filter((k) => !k.startsWith('COMPOSE_')).sort();
  const files = listFiles(dir);
  if (opts.json) {
    printJson(ctx.io, { ...m, dir, files, envNames: secretNames });
    return 0;
  }
  const io = ctx.io;
  io.out(`Stack ${stack}${m.description ? `: ${m.description}` : ''}\n  dir: ${dir}\n  profiles: ${m.profiles.join(', ') || '(none active)'}${m.knownProfiles.length ? ` of ${m.knownProfiles.join(', ')}` : ''}\n\n`);
  io.out(
    table(
      ['SERVICE', 'COMPONENT', 'ROLE', 'IMAGE', 'PORTS', 'PROFILES', 'DEPENDS ON'],
      m.services.map((s) => [
        s.name + (s.replicas > 1 ? ` x${s.replicas}` : ''),
        s.component,
        s.role,
        s.image || '(build)',
        s.ports.map((p) => `${hostAddress(p.bind)}:${p.host}->${p.container}`).join(', ') || '-',
        s.profiles.join(',') || '-',
        Object.keys(s.dependsOn).join(',') || '-',
      ]),
    ),
  );
  io.out(`\nvolumes: ${m.volumes.join(', ') || '(none)'}\n.env variables (values not shown): ${secretNames.join(', ') || '(none)'}\nfiles:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return 0;
}
