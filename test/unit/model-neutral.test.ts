/**
 * The resolved model of every example is format-neutral: no Compose syntax
 * (${} references, CMD/CMD-SHELL tests, depends_on conditions, restart
 * policies) and no label berth or Compose reads back. Each target writes
 * those from the model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../src/resolve/spec.js';
import { resolveStack } from '../../src/resolve/index.js';
import { countingSecrets } from '../helpers/fakes.js';
import { EXAMPLES_ROOT, listExamples } from '../golden/_golden.js';

const COMPOSE_SYNTAX: [string, RegExp][] = [
  ['a ${} reference', /\$\{/],
  ['a CMD or CMD-SHELL test', /"CMD(-SHELL)?"/],
  ["a depends_on condition", /service_(healthy|started|completed_successfully)/],
  ['a restart policy', /unless-stopped/],
  ['a Compose label', /com\.docker\.compose/],
];

function resolvedExample(name: string) {
  const dir = path.join(EXAMPLES_ROOT, name);
  const spec = parseSpecText(fs.readFileSync(path.join(dir, 'stack.yaml'), 'utf8'));
  return resolveStack({ name, spec, specDir: dir, random: countingSecrets(), hostMemoryMiB: 1024 * 1024 });
}

describe.each(listExamples())('the model of example %s', (name) => {
  const stack = resolvedExample(name);
  const json = JSON.stringify(stack, null, 2);

  it.each(COMPOSE_SYNTAX)('has no %s', (_what, pattern) => {
    expect(json.split('\n').filter((line) => pattern.test(line))).toEqual([]);
  });

  it('has no dev.berth. label: where a service comes from is its origin', () => {
    for (const s of stack.services) expect(Object.keys(s.labels).filter((k) => k.startsWith('dev.berth.'))).toEqual([]);
    expect(json).not.toMatch(/"dev\.berth\./);
  });
});
