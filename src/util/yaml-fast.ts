/**
 * The YAML library's own output, written faster for plain data: the block
 * layout (two-space indents, lists indented under their key, empty ones as
 * {} and []) is written here, and every scalar that is not a plain word, and
 * every one-line list, is written by the library itself. A document with a
 * multi-line string is left to the library whole (its block scalars depend
 * on where they stand). A test holds the two equal on every rendered file.
 * Why: the library spends about 0.4 ms on a Kubernetes object, which is
 * most of exporting 500 services.
 */

/** A word YAML 1.1 reads as the string itself: starts with a letter or /, no space or sign, and is no boolean or null. */
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./-]*$/;
const PLAIN_VALUE = /^[A-Za-z/][A-Za-z0-9_./:@$()-]*$/;
const SPECIAL = /^(y|n|yes|no|true|false|on|off|null)$/i;

export interface Library {
  /** The library's text of one value as a whole document. */
  doc(value: unknown, flow?: boolean): string;
}

/** Whether the fast writer handles the value: plain data, no multi-line string, nothing but finite numbers. */
export function fastWritable(v: unknown): boolean {
  if (typeof v === 'string') return !v.includes('\n');
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => x !== undefined && fastWritable(x));
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v as object).every((x) => x === undefined || fastWritable(x));
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/** toYaml's rule for lists of scalars: on one line when short and holding no absolute path. */
export function flowList(items: unknown[]): boolean {
  if (!items.length || !items.every(isScalar)) return false;
  if (items.some((i) => String(i).startsWith('/'))) return false;
  return items.reduce<number>((n, i) => n + String(i).length + 4, 0) <= 100;
}

function scalar(v: unknown, lib: Library): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && PLAIN_VALUE.test(v) && !SPECIAL.test(v) && !v.endsWith(':')) return v;
  return lib.doc(v).replace(/\n$/, '');
}

function key(k: string, lib: Library): string {
  if (PLAIN.test(k) && !SPECIAL.test(k)) return k;
  return lib.doc({ [k]: null }).replace(/: null\n$/, '');
}

/**
 * Writes what a `key:` or `-` holds: returns it when it fits on that line,
 * else appends its lines to `out`, each starting with `indent`.
 */
function write(v: unknown, indent: string, out: string[], lib: Library): string | undefined {
  if (isScalar(v)) return scalar(v, lib);
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    if (flowList(v)) return lib.doc(v, true).replace(/\n$/, '');
    const inner = `${indent}  `;
    for (const item of v) {
      const at = out.length;
      const inline = write(item, inner, out, lib);
      // A map or list in a list item starts on the dash's line; the rest stays indented past the dash.
      if (inline !== undefined) out.push(`${indent}- ${inline}`);
      else out[at] = `${indent}- ${out[at]!.slice(inner.length)}`;
    }
    return undefined;
  }
  const entries = Object.entries(v as object).filter(([, x]) => x !== undefined);
  if (!entries.length) return '{}';
  for (const [k, x] of entries) {
    const head = `${indent}${key(k, lib)}:`;
    const at = out.length;
    out.push(head);
    const inline = write(x, `${indent}  `, out, lib);
    if (inline !== undefined) out[at] = `${head} ${inline}`;
  }
  return undefined;
}

/** The document as the library would write it (callers checked fastWritable). */
export function fastYaml(value: unknown, lib: Library): string {
  const out: string[] = [];
  const inline = write(value, '', out, lib);
  return (inline !== undefined ? inline : out.join('\n')) + '\n';
}
