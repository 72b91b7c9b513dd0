/**
 * `berth status [name] [--json]`, as monitors run it every few seconds: started
 * without the CLI parser, which costs more than the status itself. Anything
 * else (help, other options) goes through the full CLI.
 */
import type { IO } from './io.js';
import { makeContext } from './context.js';
import { reportError } from './report.js';
import { STACK_NAME_RE } from '../util/names.js';

/** The argv of a plain status call, or undefined. */
export function plainStatus(argv: string[]): { name?: string; json: boolean } | undefined {
  if (argv[0] !== 'status') return undefined;
  const rest = argv.slice(1);
  const names = rest.filter((a) => a !== '--json');
  if (names.length > 1 || !names.every((n) => STACK_NAME_RE.test(n))) return undefined;
  return { name: names[0], json: rest.includes('--json') };
}

export async function runStatus(call: { name?: string; json: boolean }, io: IO): Promise<number> {
  try {
    const ctx = makeContext(io);
    if (!call.name) {
      // Every stack comes from one engine query: send it first, and load the command while the engine answers.
      const { DockerApi, LABEL_STACK } = await import('../engine/docker-api.js');
      const api = new DockerApi(io.env);
      const all = api.listContainers([LABEL_STACK]);
      all.catch(() => undefined);
      ctx.engine = Object.assign(Object.create(api) as typeof api, {
        listContainers: (labels: string[], every?: boolean) => (labels.length === 1 && labels[0] === LABEL_STACK && every !== false ? all : api.listContainers(labels, every)),
      });
    }
    const { runStatus } = await import('./commands/status.js');
    return await runStatus(ctx, call.name, call.json);
  } catch (e) {
    return reportError(io, e, { json: call.json });
  }
}
