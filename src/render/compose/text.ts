/**
 * Text in the Compose file: a reference as `${NAME}`, a dollar as `$$`.
 * Compose's interpolation syntax is the one stack.yaml is written in, so the
 * spec's own writer writes it; this is the one place a renderer uses it.
 */
import type { Text } from '../../model/text.js';
import { writeInterpolated } from '../../spec/interpolation.js';

export const composeText = (t: Text): string => writeInterpolated(t);

export function composeTexts(m: Record<string, Text>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, t]) => [k, composeText(t)]));
}
