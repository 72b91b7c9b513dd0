/**
 * Imports flow one way: model -> spec -> catalog -> resolve -> render -> store
 * -> engine (and host) -> ops -> front ends (cli, server, agent). The
 * CLI's serve and agent commands start the server and the agent, through
 * src/server/index.ts and src/agent/index.ts alone.
 * A module may import its own layer and the layers before it; util/ and
 * errors.ts are for everyone, and import no layer. Every import counts:
 * static, dynamic (`import('...')`) and type-only, since a type from a later
 * layer couples the two as much as a value does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ORDER = ['model', 'spec', 'catalog', 'resolve', 'render', 'store', 'engine', 'ops', 'front'];
const LAYER: Record<string, string> = { host: 'engine', cli: 'front', server: 'front', agent: 'front' };

/** The layer of a source file, by its folder under src/; undefined for what everyone may import. */
export function layerOf(file: string): string | undefined {
  const [top] = file.replace(/^src\//, '').split('/');
  if (!top || top === 'util' || top === 'errors.ts') return undefined;
  if (top === 'bin.ts') return 'bin';
  return LAYER[top] ?? top;
}

/** The one way a front end reaches another: `berth serve` starts the server and `berth agent` the agent, through their entry modules only. */
const STARTS = new Set(['src/cli/commands/serve.ts -> src/server/index.ts', 'src/cli/commands/agent.ts -> src/agent/index.ts']);

/** Every import against the order, as `from -> to`. */
export function backEdges(graph: Record<string, string[]>): string[] {
  const rank = (l: string | undefined) => (l === undefined ? -1 : l === 'bin' ? ORDER.length : ORDER.indexOf(l));
  const out: string[] = [];
  for (const [from, tos] of Object.entries(graph)) {
    const lf = layerOf(from);
    for (const to of tos) {
      const lt = layerOf(to);
      const frontToFront = lf === 'front' && lt === 'front' && from.split('/')[1] !== to.split('/')[1] && !STARTS.has(`${from} -> ${to}`);
      const shared = lf === undefined && lt !== undefined;
      if (rank(lt) > rank(lf) || frontToFront || shared) out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}

const IMPORT_RE = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** src/-relative file -> the src/ files it imports, from the source text. */
function importGraph(): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  const files = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const f of files) {
    const from = `src/${f.split(path.sep).join('/')}`;
    const text = fs.readFileSync(path.join(ROOT, from), 'utf8');
    graph[from] = [...text.matchAll(IMPORT_RE)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(from), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return graph;
}

describe('the import order', () => {
  it('has no import against it in src/', () => {
    const graph = importGraph();
    expect(Object.keys(graph).length).toBeGreaterThan(50);
    expect(backEdges(graph)).toEqual([]);
  });

  it('is found broken by a deliberate back-edge', () => {
    expect(backEdges({ 'src/engine/state.ts': ['src/ops/up.ts', 'src/model/manifest.ts'], 'src/ops/up.ts': ['src/cli/io.ts'], 'src/util/size.ts': ['src/spec/fields.ts'] })).toEqual([
      'src/engine/state.ts -> src/ops/up.ts',
      'src/ops/up.ts -> src/cli/io.ts',
      'src/util/size.ts -> src/spec/fields.ts',
    ]);
  });

  it('lets the CLI start the server through its entry module, and reach into it no other way', () => {
    expect(backEdges({ 'src/cli/commands/serve.ts': ['src/server/index.ts', 'src/server/app.ts'], 'src/server/app.ts': ['src/cli/io.ts'] })).toEqual([
      'src/cli/commands/serve.ts -> src/server/app.ts',
      'src/server/app.ts -> src/cli/io.ts',
    ]);
  });
});
