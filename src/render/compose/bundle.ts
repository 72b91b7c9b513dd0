/**
 * ResolvedStack -> Bundle for the Compose target: every file of the stack dir
 * (stack.yaml, the Compose file, .env, the manifest, and the config files the
 * stack's services read). A service that mounts config files gets a label with
 * their hash, so changed config recreates it on the next up.
 */
import type { ConfigFile, FileOut } from '../../model/files.js';
import type { ResolvedStack } from '../../model/stack.js';
import { renderCompose } from './file.js';
import { COMPOSE_FILE, MANIFEST_FILE, SPEC_FILE } from '../files.js';
import { ENV_FILE } from '../env.js';
import { renderEnv } from './env.js';
import { renderPrometheus } from '../prometheus.js';
import { renderGrafana } from '../grafana.js';
import { renderNginx, type NginxTarget } from '../nginx.js';
import { renderOtel } from '../otel.js';
import { buildManifest } from '../manifest.js';
import { byPath, configHash } from '../config-files.js';

/** Containers of a Compose stack find each other through Docker's DNS server. */
export const COMPOSE_NGINX: NginxTarget = { resolver: { address: '127.0.0.11', what: "Docker's embedded DNS" } };

export interface Bundle {
  files: FileOut[];
  /** What of the stack the Compose target cannot carry out, per service. */
  warnings: string[];
}

/** Compose has no autoscaler: it runs the least replicas the service asks for. */
export function composeWarnings(stack: ResolvedStack): string[] {
  // Instances of one stack.yaml service say it once.
  return [...new Set(stack.services.flatMap((s) => [
    ...(s.autoscale ? [`services.${s.origin.spec}.autoscale: Compose runs ${s.autoscale.min} replica(s); scaling up to ${s.autoscale.max} by load is Kubernetes-only (berth export ${stack.name} --to kubernetes)`] : []),
    ...(s.placement && !s.origin.exporterOf ? [`services.${s.origin.spec}.placement: Compose runs on one machine, so it is not used there; it places the service's tasks on Docker Swarm (berth deploy --swarm) and on Kubernetes`] : []),
  ]))];
}

/** `extra`: config files made outside rendering (nginx's kept certificates). */
export function renderBundle(stack: ResolvedStack, specText: string, extra: ConfigFile[] = [], history: { volumesEver?: string[] } = {}): Bundle {
  const configs = [...stack.files, ...renderPrometheus(stack), ...renderGrafana(stack), ...renderNginx(stack, COMPOSE_NGINX), ...renderOtel(stack), ...extra];
  const hashes: Record<string, string> = {};
  for (const s of stack.services) {
    const hash = configHash(s, configs);
    if (hash) hashes[s.name] = hash;
  }
  return {
    files: [
      { path: SPEC_FILE, content: specText },
      { path: COMPOSE_FILE, content: renderCompose(stack, hashes) },
      { path: ENV_FILE, content: renderEnv(stack), mode: 0o600 },
      { path: MANIFEST_FILE, content: JSON.stringify(buildManifest(stack, history), null, 2) + '\n' },
      ...configs.sort(byPath).map(({ consumers: _, ...file }) => file),
    ],
    warnings: composeWarnings(stack),
  };
}
