/** cmd: [program, args...]: any program's stdout (run without a shell, on the machine running berth). */
import { lastWords, ProviderFailure, runProvider, type ProviderContext } from './run.js';

export async function readCmd(argv: string[], ctx: ProviderContext): Promise<string> {
  const r = await runProvider(ctx, argv, 'install it, or correct cmd:');
  if (r.code !== 0) throw new ProviderFailure(`${argv[0]} exited with ${r.code}: ${lastWords(r)}`);
  return r.stdout;
}
