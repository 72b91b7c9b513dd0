/** berth image build: berth's own image (web, reporting, agent) from this installation. */
import type { CommandSpec } from '../spec.js';
import { opsDeps } from '../deps.js';
import { printJson } from '../output.js';

export const image: CommandSpec = {
  name: 'image',
  doc: "build berth's own image (used by web, reporting and agent) from this installation",
  args: [['<action>', 'build']],
  flags: [
    { flags: '--base <image>', doc: 'Node 20 base image (default: $BERTH_NODE_IMAGE, else node:20-bookworm-slim)' },
    { flags: '--tag <image>', doc: "tag of the image (default: the one stacks run)" },
  ],
  async run(ctx, [action], opts) {
    const { UsageError } = await import('../../errors.js');
    if (action !== 'build') throw new UsageError(`image: ${JSON.stringify(action)} is not an action; use berth image build`);
    const { buildBerthImage } = await import('../../ops/image.js');
    const r = await buildBerthImage(opsDeps(ctx, { json: !!opts.json }), { base: opts.base as string | undefined, tag: opts.tag as string | undefined });
    if (opts.json) printJson(ctx.io, r);
    else ctx.io.out(`Built ${r.tag} on ${r.base} in ${(r.elapsedMs / 1000).toFixed(1)}s.\n`);
    return 0;
  },
};
