/**
 * Just enough of the tar format for moving files to another host: writing a
 * bundle as one archive (`tar -x` on the host unpacks it, modes kept), and
 * reading the entries of an archive `docker save` wrote, so that a filtered
 * copy can be streamed on without what the host already has.
 */
import fs from 'node:fs';

const BLOCK = 512;

function field(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0');

/** A ustar header; long paths are split into prefix and name at a slash. */
function header(name: string, size: number, mode: number, type: '0' | '5', mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let [prefix, base] = ['', name];
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut < 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`internal: ${name} is too long a path for a tar entry`);
    [prefix, base] = [name.slice(0, cut), name.slice(cut + 1)];
  }
  field(h, 0, 100, base);
  field(h, 100, 8, octal(mode & 0o7777, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(mtime, 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, type);
  field(h, 257, 6, 'ustar');
  field(h, 263, 2, '00');
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${octal(sum, 7)}\0`);
  return h;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Files (relative paths, their content and mode) as one tar archive, each folder listed before what it holds; `mtime` in unix seconds. */
export function tarOf(files: { path: string; content: string | Buffer; mode?: number }[], mtime = 0): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const f of files) {
    const segments = f.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) (dirs.add(dir), parts.push(header(dir, 0, 0o755, '5', mtime)));
    }
    const body = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
    parts.push(header(f.path, body.length, f.mode ?? 0o644, '0', mtime), body, padding(body.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

export interface TarEntry {
  /** The entry's path (a pax or GNU long name applied). */
  name: string;
  /** Where its first header block starts (with any extended headers before it), and where its data ends, padded. */
  start: number;
  end: number;
  /** Where its data starts, and its length. */
  data: number;
  size: number;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

const text = (b: Buffer, offset: number, length: number) => b.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');

/** The `path` record of a pax extended header. */
function paxPath(body: Buffer): string | undefined {
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
}

/** Every entry of the tar file at `fd`, read header by header (data is skipped, not read). */
export function tarEntries(fd: number): TarEntry[] {
  const out: TarEntry[] = [];
  let offset = 0;
  let start = 0;
  let longName: string | undefined;
  for (;;) {
    const h = readAt(fd, offset, BLOCK);
    if (h.length < BLOCK || h.every((b) => b === 0)) return out;
    const size = parseInt(text(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const data = offset + BLOCK;
    const end = data + size + padding(size).length;
    if (type === 'x' || type === 'L') {
      const body = readAt(fd, data, size);
      longName = type === 'L' ? text(body, 0, size) : (paxPath(body) ?? longName);
    } else {
      const prefix = text(h, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
      if (type !== 'g') out.push({ name, start, end, data, size });
      longName = undefined;
      start = end;
    }
    offset = end;
  }
}

/** The tar file at `path` again, as a stream of chunks, without the entries `skip` names. */
export async function* tarWithout(path: string, skip: (name: string) => boolean): AsyncGenerator<Buffer> {
  const fd = fs.openSync(path, 'r');
  try {
    for (const e of tarEntries(fd)) {
      if (skip(e.name)) continue;
      for (let at = e.start; at < e.end; at += 1 << 20) yield readAt(fd, at, Math.min(1 << 20, e.end - at));
    }
    yield Buffer.alloc(BLOCK * 2);
  } finally {
    fs.closeSync(fd);
  }
}

/** One entry's data as text (manifest.json, an image config). */
export function entryText(fd: number, e: TarEntry): string {
  return readAt(fd, e.data, e.size).toString('utf8');
}
