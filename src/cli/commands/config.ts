import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Context } from '../context.js';
import { requireManifest } from '../../store/stacks.js';
import { stackDir } from '../../store/home.js';
import { COMPOSE_FILE } from '../../render/files.js';
import { printJson } from '../output.js';

/** The Compose file as written: it holds ${NAME} references, never secret values. */
export async function run(ctx: Context, [name]: unknown[], opts: { json?: boolean }): Promise<number> {
  requireManifest(ctx.home, String(name));
  const file = path.join(stackDir(ctx.home, String(name)), COMPOSE_FILE);
  const text = fs.readFileSync(file, 'utf8');
  if (opts.json) {
    printJson(ctx.io, parse(text));
  } else ctx.io.out(text);
  return 0;
}
