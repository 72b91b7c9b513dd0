import fs from 'node:fs';

/**
 * Reads a file as UTF-8, but no more than `limit` bytes: undefined when there
 * is more. Reads in steps, never the whole file first, so an endless input
 * (/dev/zero, a pipe that never closes) costs at most limit + 1 bytes.
 */
export function readLimited(file: string, limit: number): string | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return n > limit ? undefined : buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}
