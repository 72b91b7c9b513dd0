import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { isBerthError } from '../../errors.js';
import { listStackNames, readManifest } from '../../store/stacks.js';
import { stackDir } from '../../store/home.js';
import { MANIFEST_FILE } from '../../render/files.js';
import { printJson, table, warn } from '../output.js';

export async function run(ctx: Context, _args: unknown[], opts: { json?: boolean }): Promise<number> {
  const rows = listStackNames(ctx.home).flatMap((name) => {
    const dir = stackDir(ctx.home, name);
    let m;
    try {
      m = readManifest(ctx.home, name);
    } catch (e) {
      // One damaged stack must not hide the others.
      if (!isBerthError(e) || e.code !== 'damaged') throw e;
      warn(ctx.io, e.message);
      return [{ name, damaged: true, services: [] as string[], ports: [] as number[], profiles: [] as string[], dir, updated: '' }];
    }
    if (!m) return [];
    const updated = fs.statSync(path.join(dir, MANIFEST_FILE)).mtime;
    return [{
      name,
      damaged: false,
      services: m.services.map((s) => s.name),
      ports: m.services.flatMap((s) => s.ports.map((p) => p.host)).sort((a, b) => a - b),
      profiles: m.profiles,
      dir,
      updated: updated.toISOString(),
    }];
  });
  if (opts.json) {
    printJson(ctx.io, rows);
    return 0;
  }
  if (!rows.length) {
    ctx.io.out('No stacks yet. Create one: berth generate <name> --web --postgres --monitoring\n');
    return 0;
  }
  ctx.io.out(
    table(
      ['NAME', 'SERVICES', 'PORTS', 'PROFILES', 'UPDATED'],
      rows.map((r) => (r.damaged ? [r.name, 'damaged', '-', '-', '-'] : [r.name, r.services.length, r.ports.join(',') || '-', r.profiles.join(',') || '-', r.updated.replace('T', ' ').slice(0, 19)])),
    ),
  );
  return 0;
}
