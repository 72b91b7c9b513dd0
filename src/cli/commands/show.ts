/** berth show and berth config: what a stack is made of, and its Compose file. */
import type { CommandSpec } from '../spec.js';
import { opsDeps } from '../deps.js';
import { printJson, table } from '../output.js';
import { hostAddress } from '../../util/names.js';
import { sourceText } from '../../model/secret-source.js';

export const show: CommandSpec = {
  name: 'show',
  doc: "a stack's services, ports, volumes, files and secret names",
  args: [['<name>', 'stack name']],
  async run(ctx, [name], opts) {
    const { showStack } = await import('../../ops/show.js');
    const d = showStack(opsDeps(ctx), String(name));
    if (opts.json) return printJson(ctx.io, d), 0;
    const io = ctx.io;
    io.out(`Stack ${d.stack}${d.description ? `: ${d.description}` : ''}\n  dir: ${d.dir}\n  profiles: ${d.profiles.join(', ') || '(none active)'}${d.knownProfiles.length ? ` of ${d.knownProfiles.join(', ')}` : ''}\n\n`);
    const row = (s: (typeof d.services)[number]) => [
      s.name + (s.replicas > 1 ? ` x${s.replicas}` : ''),
      s.component,
      s.role,
      s.image || '(build)',
      s.ports.map((p) => `${hostAddress(p.bind)}:${p.host}->${p.container}`).join(', ') || '-',
      s.profiles.join(',') || '-',
      Object.keys(s.dependsOn).join(',') || '-',
    ];
    io.out(table(['SERVICE', 'COMPONENT', 'ROLE', 'IMAGE', 'PORTS', 'PROFILES', 'DEPENDS ON'], d.services.map(row)));
    const sources = Object.entries(d.secretSources ?? {}).map(([n, src]) => `${n} from ${sourceText(src)}`);
    const read = [...sources, ...(d.secretsFromEnv ?? []).map((n) => `${n} from the environment`)];
    io.out(`\nvolumes: ${d.volumes.join(', ') || '(none)'}\n.env variables (values not shown): ${d.envNames.join(', ') || '(none)'}\n`);
    if (read.length) io.out(`secrets read at up and deploy, never stored: ${read.join(', ')}\n`);
    io.out(`files:\n${d.files.map((f) => `  ${f}`).join('\n')}\n`);
    return 0;
  },
};

export const config: CommandSpec = {
  name: 'config',
  doc: "print a stack's rendered Compose file",
  args: [['<name>', 'stack name']],
  async run(ctx, [name], opts) {
    const { composeFileOf, composeFileData } = await import('../../ops/show.js');
    if (opts.json) printJson(ctx.io, composeFileData(opsDeps(ctx), String(name)));
    else ctx.io.out(composeFileOf(opsDeps(ctx), String(name)));
    return 0;
  },
};
