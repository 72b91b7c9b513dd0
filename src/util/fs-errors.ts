/**
 * A failed file operation (Node's errno error: code, path, syscall) as one
 * line that names the path, what is wrong and what to do. Applied where the CLI
 * reports errors, so a full disk or a read-only BERTH_HOME anywhere in berth
 * reads the same, and never as an internal error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors.js';

interface FsErrno extends Error {
  code: string;
  path: string;
  syscall: string;
  dest?: string;
}

/** A file that is not there, or whose folder is not (a stack removed, a file never written). */
export const isAbsent = (e: unknown) => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException | undefined)?.code ?? '');

/** A Node error from a file operation; spawn errors carry a path too, but they are about a program. */
export function isFsErrno(e: unknown): e is FsErrno {
  const x = e as Partial<FsErrno> | undefined;
  return e instanceof Error && typeof x?.code === 'string' && typeof x.path === 'string' && typeof x.syscall === 'string' && !x.syscall.startsWith('spawn');
}

const WRITES = new Set(['write', 'writev', 'copyfile', 'rename', 'symlink', 'link', 'utime', 'futime', 'chmod', 'fchmod', 'chown', 'fchown', 'ftruncate', 'fsync']);
const READS = new Set(['read', 'scandir', 'readdir', 'opendir', 'stat', 'lstat', 'fstat', 'access', 'readlink', 'realpath']);

function verb(e: FsErrno): string {
  if (e.syscall === 'mkdir' || e.syscall === 'mkdtemp') return 'create';
  if (e.code === 'EROFS' || e.code === 'ENOSPC' || e.code === 'EDQUOT') return 'write';
  if (['unlink', 'rmdir', 'rm'].includes(e.syscall)) return 'remove';
  if (e.syscall === 'open') return 'open';
  if (WRITES.has(e.syscall)) return 'write';
  if (READS.has(e.syscall)) return 'read';
  return 'use';
}

const WHAT: Record<string, string> = {
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'name too long',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'no such file or folder',
  ELOOP: 'too many symbolic links (a loop?)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on this system',
  EIO: 'input/output error',
};

/** What to do, per errno; "or set BERTH_HOME to ..." only when the path is inside BERTH_HOME. */
function fixOf(code: string, inHome: boolean): string {
  const orHome = (what: string) => (inHome ? ` or set BERTH_HOME to ${what}` : '');
  switch (code) {
    case 'EROFS':
      return `make it writable${orHome('a writable folder')}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `free some space on that disk (df -h shows it)${orHome('a folder on another disk')}`;
    case 'EACCES':
    case 'EPERM':
      return `give your user access to it (ls -ld shows its owner and mode)${orHome('a folder you own')}`;
    case 'ENOTDIR':
      return `move that file away${orHome('a folder')}`;
    case 'ENAMETOOLONG':
      return `use a shorter path${orHome('a shorter folder')}`;
    case 'EISDIR':
      return 'give the path of a file';
    case 'EMFILE':
    case 'ENFILE':
      return 'raise the open files limit (ulimit -n) and try again';
    case 'EIO':
      return 'check the disk (dmesg shows its errors)';
    default:
      return `check the path${inHome ? ' and BERTH_HOME' : ''} and try again`;
  }
}

/** For ENOTDIR: the part of the path that is a file where a folder should be. */
function fileInTheWay(p: string): string | undefined {
  let found: string | undefined;
  for (let d = path.dirname(p); d !== path.dirname(d); d = path.dirname(d)) {
    try {
      if (!fs.statSync(d).isDirectory()) found = d;
    } catch {
      // Below the file in the way, stat fails with ENOTDIR itself: keep walking up.
    }
  }
  return found;
}

function within(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Codes that are about the file system even when Node gives no path (writes through a file descriptor). */
const PATHLESS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EFBIG']);

/**
 * Node's recursive mkdir says ENOENT when the real cause is a read-only or
 * forbidden parent: ask the nearest existing folder whether it may be written.
 */
function realCode(e: FsErrno, p: string): string {
  if (e.syscall !== 'mkdir' || e.code !== 'ENOENT') return e.code;
  let d = path.dirname(p);
  while (d !== path.dirname(d) && !fs.existsSync(d)) d = path.dirname(d);
  try {
    fs.accessSync(d, fs.constants.W_OK);
    return e.code;
  } catch (x) {
    return (x as NodeJS.ErrnoException).code ?? e.code;
  }
}

/**
 * `cannot write /x/.berth/stacks/a: read-only file system (EROFS); make it
 * writable or set BERTH_HOME to a writable folder`, with `path` set, code 'io'.
 * A write through a file descriptor carries no path: BERTH_HOME, where berth
 * writes, is named instead. Undefined when `e` is not a file operation's error.
 */
export function fsError(e: unknown, opts: { home?: string } = {}): BerthError | undefined {
  const x = e as Partial<FsErrno>;
  if (!isFsErrno(e)) {
    if (!(e instanceof Error) || !PATHLESS.has(x.code ?? '') || typeof x.syscall !== 'string' || !opts.home) return undefined;
    return describe({ ...x, message: e.message, path: opts.home } as FsErrno, `under ${path.resolve(opts.home)}`, opts.home);
  }
  // A rename is how berth writes files atomically: the destination is what the user knows, not the temp name.
  const p = path.resolve(e.syscall === 'rename' && e.dest && e.code !== 'ENOENT' ? e.dest : e.path);
  return describe({ ...e, message: e.message, path: p, code: realCode(e, p) }, p, opts.home);
}

function describe(e: FsErrno, where: string, home?: string): BerthError {
  const p = path.resolve(e.path);
  const inHome = home !== undefined && within(p, path.resolve(home));
  let what = WHAT[e.code] ?? /^E[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code;
  if (e.code === 'ENOTDIR') {
    const file = fileInTheWay(p);
    what = file ? `${file} is a file, not a folder` : 'a part of the path is a file, not a folder';
  }
  return new BerthError(`cannot ${verb(e)} ${where}: ${what} (${e.code}); ${fixOf(e.code, inHome)}`, { code: 'io', path: p });
}
