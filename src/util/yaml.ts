import { Document, isScalar, isSeq, visit } from 'yaml';
import { fastWritable, fastYaml, type Library } from './yaml-fast.js';

/** Recursively sorts object keys so every rendered file is deterministic. Arrays keep their order. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    // fromEntries defines keys, so a __proto__ key stays a key (an assignment would set the prototype).
    const keys = Object.keys(value as object).sort();
    return Object.fromEntries(keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => [k, sortKeys((value as Record<string, unknown>)[k])])) as T;
  }
  return value;
}

/**
 * One YAML serializer for every file berth writes: no anchors, no line folding,
 * and YAML 1.1 quoting, so strings like `yes`, `on` or `1_000` stay strings for
 * YAML 1.1 readers (Compose v1 reads with PyYAML). Keys sorted unless `sort: false`
 * (the caller then builds objects in a fixed order).
 */
export function toYaml(value: unknown, opts: { sort?: boolean } = {}): string {
  const data = opts.sort === false ? value : sortKeys(value);
  return fastWritable(data) ? fastYaml(data, LIBRARY) : libraryYaml(data);
}

const TO_STRING = { lineWidth: 0, indentSeq: true, flowCollectionPadding: false } as const;

function libraryDoc(value: unknown, flow?: boolean): string {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  if (flow && isSeq(doc.contents)) doc.contents.flow = true;
  return doc.toString(TO_STRING);
}

/** The library's texts repeat (ports, quantities, lists like [ReadWriteOnce]): kept, up to a bound. */
const written = new Map<string, string>();

/** The library's text of one value (a scalar, a key, a one-line list), for the fast writer. */
export const LIBRARY: Library = {
  doc(value, flow) {
    const key = `${flow ? 'F' : 'B'}${JSON.stringify(value)}`;
    let text = written.get(key);
    if (text === undefined) {
      text = libraryDoc(value, flow);
      if (written.size < 100_000) written.set(key, text);
    }
    return text;
  },
};

/** toYaml by the library alone, for data the fast writer leaves to it (and for the test that holds the two equal). */
export function libraryYaml(data: unknown): string {
  const doc = new Document(data, { version: '1.1', aliasDuplicateObjects: false });
  // Short lists of scalars read best on one line, as in hand-written Compose files.
  // Lists holding absolute host paths stay one item per line: their length depends
  // on where the stack lives, and the layout of a file must not.
  visit(doc, {
    Seq(_, node) {
      if (!isSeq(node) || !node.items.every(isScalar)) return;
      if (node.items.some((i) => String((i as { value: unknown }).value).startsWith('/'))) return;
      const width = node.items.reduce((n, i) => n + String((i as { value: unknown }).value).length + 4, 0);
      if (node.items.length > 0 && width <= 100) node.flow = true;
    },
  });
  return doc.toString(TO_STRING);
}

/** A copy of a map with its keys in sorted order (for maps inside hand-ordered objects). */
export function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
