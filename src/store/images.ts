/** $BERTH_HOME/images.yaml: image overrides applied to every stack (private registries, air-gapped hosts). */
import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { imageKeys } from '../catalog/index.js';
import { imageOverrideMap } from '../spec/common.js';
import { describeIssue, suggest } from '../spec/issues.js';

export const USER_IMAGES_FILE = 'images.yaml';

export function validateImageMap(data: unknown, where: string): Record<string, string> {
  if (data === null || data === undefined) return {};
  const res = v.safeParse(imageOverrideMap, data);
  if (!res.success) throw new UsageError(`${where}: ${describeIssue('', res.issues[0])}`);
  const keys = imageKeys();
  for (const key of Object.keys(res.output)) {
    if (!keys.has(key)) throw new UsageError(`${where}: ${key} is not a component; ${suggest(key, keys.keys())}images are keyed by component: ${[...keys.keys()].join(', ')}`);
  }
  return res.output;
}

export function readUserImages(home: string): Record<string, string> {
  const file = path.join(home, USER_IMAGES_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  // Same form as stack.yaml syntax errors: file:line:col, the parser's first line, the fix.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.pos[0] >= 0 ? lineCounter.linePos(err.pos[0]) : undefined;
    throw new UsageError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${err.message.split('\n')[0]}; fix the YAML syntax`);
  }
  return validateImageMap(doc.toJS(), file);
}
