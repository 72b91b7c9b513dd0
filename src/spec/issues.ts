/** Turns schema issues into the one line a user reads: the key path, what is wrong, how to fix it. */
import type * as v from 'valibot';
import { UsageError, type Issue } from '../errors.js';

export function formatInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a map';
  return String(input);
}

/**
 * The key path of an issue. A `$` problem in a list (command: [run, "a$"],
 * volumes:) is reported under the list's key: the text is what the message
 * quotes, and a list is written as one value.
 */
export function keyPath(prefix: string, issue: v.BaseIssue<unknown>): string {
  const path = issue.path ?? [];
  const listAt = issue.type === 'spec_text' ? path.findIndex((p) => p.type === 'array') : -1;
  const parts = [prefix, ...(listAt < 0 ? path : path.slice(0, listAt)).map((p) => String(p.key))].filter(Boolean);
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

/**
 * One issue: its key path and what is wrong there, with the fix. `validKeys`
 * lists the keys accepted where an unknown key was found.
 */
export function issueOf(prefix: string, issue: v.BaseIssue<unknown>, validKeys?: (path: string) => string[] | undefined): Issue {
  const at = (where: string, message: string): Issue => (where ? { path: where, message } : { message });
  // A map was expected but a list was given: valibot records iterate lists by index; say what is wrong instead.
  const listAt = (issue.path ?? []).findIndex((p) => p.type === 'object' && Array.isArray(p.input));
  const listMessage = 'expected a map (key: value lines), got a list; write it as a map';
  if (listAt >= 0) return at([prefix, ...(issue.path ?? []).slice(0, listAt).map((p) => String(p.key))].filter(Boolean).join('.'), listMessage);
  const where = keyPath(prefix, issue);
  if (issue.type === 'record' && Array.isArray(issue.input)) return at(where, listMessage);
  if (issue.kind === 'schema' && issue.input === undefined && /^".*"$/.test(issue.expected ?? '')) {
    return at(where, `missing; add ${where.split('.').pop()}: here`);
  }
  if (isUnknownKey(issue)) {
    const parent = where.split('.').slice(0, -1).join('.');
    const keys = validKeys?.(parent) ?? [];
    return at(where, `unknown key; ${suggest(String(issue.input), keys)}${keys.length ? `valid keys here: ${keys.join(', ')}` : 'remove it'}`);
  }
  const msg = issue.message;
  if (/^(is|has) /.test(msg)) return at(where, `${formatInput(issue.input)} ${msg}`);
  if (/^(must|needs) /.test(msg)) {
    const out = at(where, `${msg}, got ${formatInput(issue.input)}`);
    readsOn.add(out);
    return out;
  }
  const expected = issue.expected ?? 'another value';
  return at(where, `expected ${expected.replace(/^Object$/, 'a map').replace(/^Array$/, 'a list')}, got ${formatInput(issue.input)}`);
}

/** Issues whose message reads on from their key path, with no colon: `version must be 1, got 2`. */
const readsOn = new WeakSet<Issue>();

/** The line a user reads for an issue: `services.api.port: 70000 is not a port`, `version must be 1, got 2`. */
export function issueLine(issue: Issue): string {
  if (!issue.path) return issue.message;
  return `${issue.path}${readsOn.has(issue) ? ' ' : ': '}${issue.message}`;
}

/** One line for one schema issue (see issueOf). */
export function describeIssue(prefix: string, issue: v.BaseIssue<unknown>, validKeys?: (path: string) => string[] | undefined): string {
  return issueLine(issueOf(prefix, issue, validKeys));
}

/**
 * The issues worth reporting of one schema run, in order: unknown keys first
 * (a misspelt `servics:` is also a missing `services:`, and the typo is what
 * the user must fix, so a key missing beside an unknown one is left out), then
 * one issue per key path (a value that breaks several rules breaks the first).
 */
export function schemaIssues(prefix: string, issues: v.BaseIssue<unknown>[], validKeys?: (path: string) => string[] | undefined): Issue[] {
  const described = [...issues.filter(isUnknownKey), ...issues.filter((i) => !isUnknownKey(i))].map((i) => ({ raw: i, issue: issueOf(prefix, i, validKeys) }));
  const unknownParents = new Set(described.filter((d) => isUnknownKey(d.raw)).map((d) => parentOf(d.issue.path)));
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const { raw, issue } of described) {
    const missing = raw.kind === 'schema' && raw.input === undefined && issue.message.startsWith('missing; ');
    if (missing && unknownParents.has(parentOf(issue.path))) continue;
    if (seen.has(issue.path ?? '')) continue;
    seen.add(issue.path ?? '');
    out.push(issue);
  }
  return out;
}

const parentOf = (path: string | undefined) => (path ?? '').split('.').slice(0, -1).join('.');

/**
 * Every issue of one document as one usage error: the first one's line, with
 * how many more there are; `issues` lists them all, each with its key path.
 */
export function issuesError(issues: Issue[]): UsageError {
  const [first, ...rest] = issues;
  if (!first) throw new Error('internal: an error with no issues');
  return new UsageError(`${issueLine(first)}${rest.length ? ` (and ${rest.length} more)` : ''}`, undefined, { path: first.path, issues });
}
