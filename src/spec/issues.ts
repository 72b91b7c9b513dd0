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

const isUnknownKey = (issue: v.BaseIssue<unknown>) => issue.type === 'strict_object' && issue.expected === 'never';

/**
 * The issue to report: an unknown key first (a misspelt `servics:` is also a
 * missing `services:`, and the typo is what the user must fix), else the first.
 */
export function primaryIssue<T extends v.BaseIssue<unknown>>(issues: [T, ...T[]]): T {
  return issues.find(isUnknownKey) ?? issues[0];
}

type SchemaNode = { type?: string; wrapped?: unknown; options?: unknown[]; entries?: Record<string, unknown>; value?: unknown; item?: unknown };

/** Keys a strict object accepts at `path` inside `schema` (through optional, union, record and array), for suggestions. */
export function keysAt(schema: unknown, path: string[]): string[] | undefined {
  const nodes = (n: unknown): SchemaNode[] => {
    const s = n as SchemaNode | undefined;
    if (!s) return [];
    if (s.type === 'optional' || s.type === 'nullable' || s.type === 'nullish') return nodes(s.wrapped);
    if (s.type === 'union') return (s.options ?? []).flatMap(nodes);
    return [s];
  };
  let current = nodes(schema);
  for (const key of path) {
    current = current.flatMap((s) => {
      if (s.type === 'strict_object' || s.type === 'object') return s.entries && key in s.entries ? nodes(s.entries[key]) : [];
      if (s.type === 'record') return nodes(s.value);
      if (s.type === 'array') return nodes(s.item);
      return [];
    });
  }
  const keys = current.filter((s) => s.type === 'strict_object').flatMap((s) => Object.keys(s.entries ?? {}));
  return keys.length ? [...new Set(keys)] : undefined;
}

/** One line for the first issue. `validKeys` lists the keys accepted where an unknown key was found. */
export function describeIssue(prefix: string, issue: v.BaseIssue<unknown>, validKeys?: (path: string) => string[] | undefined): string {
  // `key: text`, or just `text` when the issue is about the whole document (images.yaml is a bare map).
  const line = (where: string, text: string, sep = ': ') => (where ? `${where}${sep}${text}` : text);
  // A map was expected but a list was given: valibot records iterate lists by index; say what is wrong instead.
  const listAt = (issue.path ?? []).findIndex((p) => p.type === 'object' && Array.isArray(p.input));
  if (listAt >= 0) {
    const where = [prefix, ...(issue.path ?? []).slice(0, listAt).map((p) => String(p.key))].filter(Boolean).join('.');
    return line(where, 'expected a map (key: value lines), got a list; write it as a map');
  }
  const at = keyPath(prefix, issue);
  if (issue.type === 'record' && Array.isArray(issue.input)) return line(at, 'expected a map (key: value lines), got a list; write it as a map');
  if (issue.kind === 'schema' && issue.input === undefined && /^".*"$/.test(issue.expected ?? '')) {
    return `${at}: missing; add ${at.split('.').pop()}: here`;
  }
  if (isUnknownKey(issue)) {
    const parent = at.split('.').slice(0, -1).join('.');
    const key = String(issue.input);
    const keys = validKeys?.(parent) ?? [];
    return `${at}: unknown key; ${suggest(key, keys)}${keys.length ? `valid keys here: ${keys.join(', ')}` : 'remove it'}`;
  }
  const msg = issue.message;
  if (/^(is|must|needs) /.test(msg)) {
    return msg.startsWith('is ') ? line(at, `${formatInput(issue.input)} ${msg}`) : line(at, `${msg}, got ${formatInput(issue.input)}`, ' ');
  }
  const expected = issue.expected ?? 'another value';
  return line(at, `expected ${expected.replace(/^Object$/, 'a map').replace(/^Array$/, 'a list')}, got ${formatInput(issue.input)}`);
}
