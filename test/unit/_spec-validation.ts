/** What the spec-validation tests share: a stack.yaml's usage error, and the nginx.conf of its nginx. */
import { expect } from 'vitest';
import { errorOf, resolveYaml, svc } from './_resolve.js';
import { COMPOSE_NGINX } from '../../src/render/compose/bundle.js';
import { nginxConf } from '../../src/render/nginx.js';
import type { ResolvedStack } from '../../src/model/stack.js';
export const lines = (...l: string[]) => l.join('\n') + '\n';

/** The nginx.conf of the stack's nginx service. */
export function conf(s: ResolvedStack): string {
  const proxy = svc(s, 'nginx');
  if (proxy.config?.kind !== 'nginx') throw new Error('nginx has no nginx config');
  return nginxConf(s, proxy, proxy.config, COMPOSE_NGINX);
}

/** The error a stack.yaml gives: one line, a usage error (exit code 2). */
export function usageError(text: string): string {
  const e = errorOf(() => resolveYaml(text));
  expect(e.exitCode).toBe(2);
  expect(e.message).not.toContain('\n');
  return e.message;
}
