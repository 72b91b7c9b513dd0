/**
 * ResolvedStack -> Bundle for the Compose target: every file of the stack dir
 * (stack.yaml, the Compose file, .env, the manifest, and the config files the
 * stack's services read). Services that mount
 * generated config get a label with its hash, so changed config recreates them
 * on the next up. Every relative bind mount must point at a file the bundle has.
 */
import { createHash } from 'node:crypto';
import type { FileOut } from '../../model/files.js';
import type { ResolvedStack } from '../../model/stack.js';
import { plainOf } from '../../model/text.js';
import { renderCompose } from './file.js';
import { COMPOSE_FILE, MANIFEST_FILE, SPEC_FILE } from '../files.js';
import { ENV_FILE } from '../env.js';
import { renderEnv } from './env.js';
import { renderPrometheus } from '../prometheus.js';
import { renderGrafana } from '../grafana.js';
import { renderNginx, type NginxTarget } from '../nginx.js';
import { renderOtel } from '../otel.js';
import { buildManifest } from '../manifest.js';

/** Containers of a Compose stack find each other through Docker's DNS server. */
export const COMPOSE_NGINX: NginxTarget = { resolver: { address: '127.0.0.11', what: "Docker's embedded DNS" } };

export interface Bundle {
  files: FileOut[];
}

function under(file: string, source: string): boolean {
  const rel = source.replace(/^\.\//, '');
  return file === rel || file.startsWith(`${rel}/`);
}

export function renderBundle(stack: ResolvedStack, specText: string, extra: FileOut[] = [], history: { volumesEver?: string[] } = {}): Bundle {
  const configs = [...stack.files, ...renderPrometheus(stack), ...renderGrafana(stack), ...renderNginx(stack, COMPOSE_NGINX), ...renderOtel(stack), ...extra];
  const hashes: Record<string, string> = {};
  for (const s of stack.services) {
    const relative = s.mounts.filter((m) => m.type === 'bind' && plainOf(m.source)?.startsWith('./'));
    if (!relative.length) continue;
    const h = createHash('sha256');
    for (const m of relative) {
      const files = configs.filter((f) => under(f.path, plainOf(m.source)!)).sort((a, b) => a.path.localeCompare(b.path));
      if (!files.length) throw new Error(`internal: ${s.name} mounts ${m.source}, which berth does not write`);
      for (const f of files) h.update(f.path).update('\0').update(f.content).update('\0');
    }
    hashes[s.name] = h.digest('hex').slice(0, 16);
  }
  return {
    files: [
      { path: SPEC_FILE, content: specText },
      { path: COMPOSE_FILE, content: renderCompose(stack, hashes) },
      { path: ENV_FILE, content: renderEnv(stack), mode: 0o600 },
      { path: MANIFEST_FILE, content: JSON.stringify(buildManifest(stack, history), null, 2) + '\n' },
      ...configs.sort((a, b) => a.path.localeCompare(b.path)),
    ],
  };
}
