/** `${VAR}` references in env, images, commands, health checks, labels, mounts and builds must name a variable berth writes to .env. */
import { UsageError } from '../errors.js';
import type { Service } from '../catalog/types.js';

const REF_RE = /(\$+)\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?[-?+])[^}]*)?\}|(\$+)([A-Za-z_][A-Za-z0-9_]*)/g;

export function references(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(REF_RE)) {
    const dollars = (m[1] ?? m[3] ?? '').length;
    if (dollars % 2 === 1) out.push((m[2] ?? m[4])!); // `$$` is a literal dollar
  }
  return out;
}

export function checkReferences(services: Service[], defined: Set<string>): void {
  const hint = 'define it under vars: in stack.yaml, or write $$ for a literal dollar';
  for (const s of services) {
    const check = (where: string, text: string | undefined) => {
      for (const name of references(text ?? '')) {
        if (!defined.has(name) && !name.startsWith('COMPOSE_')) throw new UsageError(`services.${s.name}.${where}: \${${name}} is not defined; ${hint}`);
      }
    };
    check('image', s.image);
    for (const [k, val] of Object.entries(s.environment)) check(`env.${k}`, val);
    for (const a of s.command ?? []) check('command', a);
    for (const a of s.entrypoint ?? []) check('entrypoint', a);
    // Compose interpolates the whole file: health commands, labels, mounts and build settings too.
    for (const a of s.healthcheck?.test ?? []) check('health', a);
    for (const [k, val] of Object.entries(s.labels)) check(`labels.${k}`, val);
    for (const m of s.mounts) check('volumes', `${m.source}:${m.target}`);
    if (s.build) {
      check('build', s.build.context);
      check('build', s.build.dockerfile);
      for (const [k, val] of Object.entries(s.build.args ?? {})) check(`build.args.${k}`, val);
    }
  }
}
