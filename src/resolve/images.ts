import type { ComponentDef } from '../catalog/types.js';

/** Image precedence: the service's own `image:`, then --image, then stack.yaml `images:`, then $BERTH_HOME/images.yaml, then the catalog pin. */
export interface ImageSources {
  cli: Record<string, string>;
  spec: Record<string, string>;
  user: Record<string, string>;
}

export function imageKey(def: ComponentDef, options: Record<string, unknown>): string {
  const variant = options.variant;
  return typeof variant === 'string' && def.variants?.[variant] ? variant : def.name;
}

export function pickImage(key: string, fallback: string, sources: ImageSources, own?: unknown): string {
  if (typeof own === 'string') return own;
  return sources.cli[key] ?? sources.spec[key] ?? sources.user[key] ?? fallback;
}

export function catalogImage(def: ComponentDef, options: Record<string, unknown>): string {
  const key = imageKey(def, options);
  return key === def.name ? def.image : def.variants![key]!;
}
