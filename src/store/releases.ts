/**
 * Release records in $BERTH_HOME/releases/<stack>/: one file per release
 * (<number>.json, written beside and renamed, so a reader never sees half of
 * one), which release each node runs now (current.json), and each node's
 * run-time state (runtime-<node>.json: the fingerprints of the secrets its
 * data was made with). Versioned and validated on read.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { BerthError } from '../errors.js';
import { RELEASE_FORMAT, type ReleaseRecord } from '../model/release.js';
import { validateStackName } from './home.js';
import { readRuntimeFile, updateRuntimeFile, type RuntimeState } from './runtime.js';

const result = v.picklist(['deploying', 'healthy', 'failed', 'rolled-back']);

const NodeSchema = v.object({
  host: v.string(),
  target: v.optional(v.literal('swarm')),
  project: v.string(),
  dir: v.string(),
  files: v.array(v.object({ path: v.string(), mode: v.number(), sha256: v.optional(v.string()), content: v.optional(v.string()), secret: v.optional(v.literal(true)) })),
  env: v.object({ hash: v.string(), secrets: v.array(v.string()) }),
  images: v.array(v.object({ service: v.string(), ref: v.string(), id: v.string(), digest: v.optional(v.string()), built: v.optional(v.literal(true)) })),
  previous: v.optional(v.number()),
  result,
  error: v.optional(v.string()),
  failedService: v.optional(v.string()),
  jobsRan: v.optional(v.array(v.string())),
});

const RecordSchema = v.object({
  format: v.literal(RELEASE_FORMAT),
  stack: v.string(),
  number: v.pipe(v.number(), v.integer(), v.minValue(1)),
  startedAt: v.string(),
  finishedAt: v.optional(v.string()),
  by: v.string(),
  berthVersion: v.string(),
  vars: v.record(v.string(), v.string()),
  nodes: v.record(v.string(), NodeSchema),
  result,
});

/** A release record read from text; damaged or newer ones are errors naming the file. */
export function parseRelease(text: string, file: string): ReleaseRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const format = (data as { format?: unknown } | undefined)?.format;
  if (typeof format === 'number' && format > RELEASE_FORMAT) throw new BerthError(`${file}: written by a newer berth (release format ${format}); upgrade berth`, { code: 'damaged', path: file });
  const r = v.safeParse(RecordSchema, data);
  if (!r.success) throw new BerthError(`${file}: damaged (not a berth release record); move it away to go on`, { code: 'damaged', path: file });
  return r.output as ReleaseRecord;
}

export const releasesDir = (home: string, stack: string) => path.join(home, 'releases', validateStackName(stack));

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export interface ReleaseStore {
  /** Every release of the stack, oldest first. */
  list(stack: string): ReleaseRecord[];
  write(r: ReleaseRecord): void;
  /** node -> the release it runs now. */
  current(stack: string): Record<string, number>;
  setCurrent(stack: string, node: string, number: number): void;
  /** A node's run-time state (secrets' fingerprints), as a stack's is kept. */
  runtime(stack: string, node: string): { read(): RuntimeState; update(change: (s: RuntimeState) => RuntimeState): void };
}

export function fileReleases(home: string): ReleaseStore {
  const dir = (stack: string) => releasesDir(home, stack);
  const currentFile = (stack: string) => path.join(dir(stack), 'current.json');
  return {
    list: (stack) => {
      const d = dir(stack);
      const files = fs.existsSync(d) ? fs.readdirSync(d).filter((f) => /^\d+\.json$/.test(f)) : [];
      return files.map((f) => parseRelease(fs.readFileSync(path.join(d, f), 'utf8'), path.join(d, f))).sort((a, b) => a.number - b.number);
    },
    write: (r) => writeAtomic(path.join(dir(r.stack), `${r.number}.json`), JSON.stringify(r, null, 2) + '\n'),
    current: (stack) => {
      const f = currentFile(stack);
      if (!fs.existsSync(f)) return {};
      const r = v.safeParse(v.record(v.string(), v.number()), JSON.parse(fs.readFileSync(f, 'utf8')));
      if (!r.success) throw new BerthError(`${f}: damaged; delete it (berth releases then shows no release as current)`, { code: 'damaged', path: f });
      return r.output;
    },
    setCurrent(stack, node, number) {
      writeAtomic(currentFile(stack), JSON.stringify({ ...this.current(stack), [node]: number }) + '\n');
    },
    runtime: (stack, node) => {
      const f = path.join(dir(stack), `runtime-${node}.json`);
      return { read: () => readRuntimeFile(f), update: (change) => updateRuntimeFile(f, change) };
    },
  };
}
