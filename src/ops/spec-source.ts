/**
 * Where the spec of a generate comes from: a stack.yaml file (read within a
 * size limit), the text of one (a server receives it in a request body), the
 * component flags, or the stack's own stored copy (`berth generate NAME`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parseSpecText, validateSpec, type ValidSpec } from '../resolve/spec.js';
import { hasComponentFlags, specFromFlags, type ComponentFlags } from '../spec/flags.js';
import { SPEC_FILE } from '../render/files.js';
import { readLimited } from '../util/read-limited.js';
import { toYaml } from '../util/yaml.js';
import { COMPONENTS } from '../catalog/index.js';
import type { OpsDeps } from './deps.js';

export interface LoadedSpec {
  spec: ValidSpec;
  /** stack.yaml as it will be stored: the file as given, or the spec the flags built. */
  specText: string;
  /** What relative paths in it are resolved against. */
  specDir: string;
}

export type SpecSource =
  /** A file; `given` is how the user wrote its path (for messages). */
  | { file: string; given?: string }
  /** The text of a stack.yaml; `dir` resolves its relative paths. */
  | { text: string; dir: string; label?: string }
  | { flags: ComponentFlags; dir: string }
  /** The stack's stored stack.yaml. */
  | { stored: true };

/** A stack.yaml is a few KiB; more than this is the wrong file (or an endless one, like /dev/zero). */
const MAX_SPEC_BYTES = 1024 * 1024;

export function readSpecFile(file: string, given = file): string {
  let text: string | undefined;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new UsageError(`-f ${given}: is a directory; give the stack file in it, like -f ${path.join(given, 'stack.yaml')}`);
    // Pipes and character devices (-f /dev/stdin, -f <(...)) are read too, within the limit.
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new UsageError(`-f ${given}: is not a file; give a stack.yaml`);
    text = readLimited(file, MAX_SPEC_BYTES);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`-f ${given}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  if (text === undefined) throw new UsageError(`-f ${given}: is larger than 1 MiB, the most berth reads for a stack file; check it is the right file`);
  return text;
}

/** The stored stack.yaml of a stack, if it has one. */
export function storedSpecFile(deps: OpsDeps, name: string): string | undefined {
  const file = path.join(deps.store.stacks.dir(name), SPEC_FILE);
  return fs.existsSync(file) ? file : undefined;
}

export function loadSpec(deps: OpsDeps, name: string, source: SpecSource): LoadedSpec {
  if ('flags' in source) {
    const data = specFromFlags(source.flags, COMPONENTS.map((c) => c.name));
    const specText = `# Stack spec built from berth generate flags. Edit it here and run: berth generate <name>\n${toYaml(data, { sort: false })}`;
    return { spec: validateSpec(data), specText, specDir: source.dir };
  }
  if ('text' in source) return { spec: parseSpecText(source.text, source.label), specText: source.text, specDir: source.dir };
  const file = 'stored' in source ? storedSpecFile(deps, name) : source.file;
  // No stored copy: the stack does not exist, and there is nothing to generate it from.
  if (!file) return loadSpec(deps, name, { flags: {}, dir: deps.home });
  const given = 'given' in source ? (source.given ?? file) : file;
  const text = readSpecFile(file, given);
  // Relative paths of a stored copy resolve where the stack was first generated from (spec-dir.ts).
  return { spec: parseSpecText(text, given), specText: text, specDir: path.dirname(file) };
}

export { hasComponentFlags };
