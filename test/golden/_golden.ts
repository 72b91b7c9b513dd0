/**
 * Golden files: bundle files (path, content, mode) against committed copies under
 * test/golden/<example>/, with checkout-dependent paths normalized. Modes live in
 * <example>.modes.json (git keeps no 0600).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileOut } from '../../src/model/files.js';

export const GOLDEN_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(GOLDEN_ROOT, '../..');
export const EXAMPLES_ROOT = path.join(REPO_ROOT, 'examples');
export const UPDATE = process.env.UPDATE_GOLDEN === '1' || process.env.UPDATE_GOLDEN === 'true';

/** Files in test/golden/ that are not golden folders. */
const OWN_FILES = new Set(['README.md', 'compose-spec.json', '.gitattributes']);

export function listExamples(): string[] {
  return fs
    .readdirSync(EXAMPLES_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(EXAMPLES_ROOT, d.name, 'stack.yaml')))
    .map((d) => d.name)
    .sort();
}

/** Golden folders (and mode files) whose example is gone. `root`: where the goldens of a target are (Compose's by default). */
export function staleGoldens(examples: string[], root = GOLDEN_ROOT): string[] {
  const known = new Set(examples);
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => !OWN_FILES.has(d.name) && !d.name.endsWith('.ts'))
    .map((d) => (d.isDirectory() ? d.name : d.name.replace(/\.modes\.json$/, '')))
    .filter((n) => !known.has(n))
    .sort();
}

export function removeGolden(name: string, root = GOLDEN_ROOT): void {
  fs.rmSync(path.join(root, name), { recursive: true, force: true });
  fs.rmSync(path.join(root, `${name}.modes.json`), { force: true });
}

/** Absolute paths that depend on where the repository is checked out become placeholders. */
export function normalize(content: string): string {
  return content.split(EXAMPLES_ROOT).join('<examples>').split(REPO_ROOT).join('<repo>');
}

export const modeString = (f: FileOut) => `0${((f.mode ?? 0o644) & 0o777).toString(8)}`;

function walk(dir: string, base = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const rel = base ? `${base}/${d.name}` : d.name;
    return d.isDirectory() ? walk(path.join(dir, d.name), rel) : [rel];
  });
}

export function writeGolden(name: string, files: FileOut[], root = GOLDEN_ROOT): void {
  removeGolden(name, root);
  const dir = path.join(root, name);
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, normalize(f.content));
  }
  const modes = Object.fromEntries(files.map((f) => [f.path, modeString(f)]).sort(([a], [b]) => a!.localeCompare(b!)));
  fs.writeFileSync(path.join(root, `${name}.modes.json`), JSON.stringify(modes, null, 2) + '\n');
}

/** Every difference between the bundle and the golden folder, as readable messages naming the file. */
export function compareGolden(name: string, files: FileOut[], root = GOLDEN_ROOT): string[] {
  const dir = path.join(root, name);
  const shown = path.relative(REPO_ROOT, root);
  const hint = `(run UPDATE_GOLDEN=1 npx vitest run --project unit test/golden if the change is intended)`;
  if (!fs.existsSync(dir)) return [`${shown}/${name}/ does not exist ${hint}`];
  const problems: string[] = [];
  const rendered = new Map(files.map((f) => [f.path, f]));
  const golden = new Set(walk(dir));
  for (const f of files) {
    const where = `${shown}/${name}/${f.path}`;
    if (!golden.has(f.path)) {
      problems.push(`${f.path}: rendered, but ${where} is missing ${hint}`);
      continue;
    }
    const want = fs.readFileSync(path.join(dir, f.path), 'utf8');
    const got = normalize(f.content);
    if (want !== got) problems.push(`${f.path}: differs from ${where}\n${unifiedDiff(want, got)}`);
  }
  for (const g of [...golden].sort()) {
    if (!rendered.has(g)) problems.push(`${g}: ${shown}/${name}/${g} exists, but berth no longer renders it ${hint}`);
  }
  const modesFile = path.join(root, `${name}.modes.json`);
  const modes: Record<string, string> = fs.existsSync(modesFile) ? JSON.parse(fs.readFileSync(modesFile, 'utf8')) : {};
  for (const f of files) {
    const want = modes[f.path];
    if (want !== undefined && want !== modeString(f)) problems.push(`${f.path}: mode ${modeString(f)}, golden ${name}.modes.json says ${want}`);
    if (want === undefined && golden.has(f.path)) problems.push(`${f.path}: no mode in ${shown}/${name}.modes.json ${hint}`);
  }
  return problems;
}

/** A small line diff (LCS) in unified style: `-` golden, `+` rendered, 3 lines of context, capped. */
export function unifiedDiff(want: string, got: string, maxLines = 80): string {
  const a = want.split('\n');
  const b = got.split('\n');
  // Trim the common head and tail so the table stays small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { op: ' ' | '-' | '+'; line: string }[] = a.slice(Math.max(0, head - 3), head).map((line) => ({ op: ' ' as const, line }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) ops.push({ op: ' ', line: x[i++]! }), j++;
    else if (i < x.length && (j >= y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', line: x[i++]! });
    else ops.push({ op: '+', line: y[j++]! });
  }
  ops.push(...a.slice(a.length - tail, Math.min(a.length, a.length - tail + 3)).map((line) => ({ op: ' ' as const, line })));
  // Long unchanged stretches between changes shrink to their first and last 3 lines.
  const shown: string[] = [];
  for (let k = 0; k < ops.length; ) {
    let end = k;
    while (end < ops.length && ops[end]!.op === ' ') end++;
    if (end - k > 7) {
      shown.push(...ops.slice(k, k + 3).map((o) => `  ${o.line}`), `  ... (${end - k - 6} unchanged lines)`, ...ops.slice(end - 3, end).map((o) => `  ${o.line}`));
      k = end;
    } else if (end > k) {
      shown.push(...ops.slice(k, end).map((o) => `  ${o.line}`));
      k = end;
    } else {
      shown.push(`${ops[k]!.op} ${ops[k]!.line}`);
      k++;
    }
  }
  const out = [`@@ from golden line ${Math.max(0, head - 3) + 1} (- golden, + rendered) @@`, ...shown];
  return (out.length > maxLines ? [...out.slice(0, maxLines), `... (${out.length - maxLines} more diff lines)`] : out).join('\n');
}
