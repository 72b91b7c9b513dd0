/** Turns schema issues into the one line a user reads: the key path, what is wrong, how to fix it. */
import type * as v from 'valibot';

export function formatInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a map';
  return String(input);
}

export function keyPath(prefix: string, issue: v.BaseIssue<unknown>): string {
  const parts = [prefix, ...(issue.path ?? []).map((p) => String(p.key))].filter(Boolean);
  return parts.join('.');
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** `did you mean postgres?` when a close match exists. */
export function suggest(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean ${best}? ` : '';
}

/** One line for the first issue. `validKeys` lists the keys accepted where an unknown key was found. */
export function describeIssue(prefix: string, issue: v.BaseIssue<unknown>, validKeys?: (path: string) => string[] | undefined): string {
  const at = keyPath(prefix, issue);
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const parent = at.split('.').slice(0, -1).join('.');
    const key = String(issue.input);
    const keys = validKeys?.(parent) ?? [];
    return `${at}: unknown key; ${suggest(key, keys)}${keys.length ? `valid keys here: ${keys.join(', ')}` : 'remove it'}`;
  }
  const msg = issue.message;
  if (/^(is|must|needs) /.test(msg)) {
    return msg.startsWith('is ') ? `${at}: ${formatInput(issue.input)} ${msg}` : `${at} ${msg}, got ${formatInput(issue.input)}`;
  }
  const expected = issue.expected ?? 'another value';
  return `${at}: expected ${expected.replace(/^Object$/, 'a map').replace(/^Array$/, 'a list')}, got ${formatInput(issue.input)}`;
}
