import { UsageError } from '../errors.js';
import type { ComponentDef } from '../catalog/types.js';
import type { Text } from '../model/text.js';
import { interpolationProblem, parseInterpolated, scanInterpolation } from '../spec/interpolation.js';

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

/**
 * The image of `key`, read as Text (an image from `images:`, --image or
 * images.yaml may name a ${VAR} too); `where` names the service it is for.
 */
export function pickImage(key: string, fallback: string, sources: ImageSources, own?: Text, where = `images.${key}`): Text {
  if (own !== undefined) return own;
  const image = sources.cli[key] ?? sources.spec[key] ?? sources.user[key] ?? fallback;
  const { problem } = scanInterpolation(image);
  if (problem) throw new UsageError(`${where}: ${interpolationProblem(image, problem)}`);
  return parseInterpolated(image);
}

export function catalogImage(def: ComponentDef, options: Record<string, unknown>): string {
  const key = imageKey(def, options);
  return key === def.name ? def.image : def.variants![key]!;
}
