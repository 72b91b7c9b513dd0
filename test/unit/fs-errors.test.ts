import { describe, expect, it } from 'vitest';
import { fsError } from '../../src/util/fs-errors.js';

/** The error Node throws for a failed file operation. */
function errno(code: string, syscall: string, p?: string, dest?: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException & { dest?: string } = new Error(`${code}: something, ${syscall}${p ? ` '${p}'` : ''}`);
  Object.assign(e, { code, syscall, ...(p ? { path: p } : {}), ...(dest ? { dest } : {}) });
  return e;
}

describe('fsError', () => {
  const home = '/home/u/.berth';

  it('names the path, what is wrong and what to do, with code io and the path field', () => {
    const e = fsError(errno('EACCES', 'open', `${home}/stacks/a/.env`), { home })!;
    expect(e.message).toBe(`cannot open ${home}/stacks/a/.env: permission denied (EACCES); give your user access to it (ls -ld shows its owner and mode) or set BERTH_HOME to a folder you own`);
    expect(e.code).toBe('io');
    expect(e.exitCode).toBe(1);
    expect(e.path).toBe(`${home}/stacks/a/.env`);
  });

  it('outside BERTH_HOME the fix does not point at BERTH_HOME', () => {
    expect(fsError(errno('EROFS', 'open', '/etc/x.yaml'), { home })!.message).toBe('cannot write /etc/x.yaml: read-only file system (EROFS); make it writable');
  });

  it('a rename names its destination, not the temp name', () => {
    const e = fsError(errno('EXDEV', 'rename', `${home}/stacks/.tmp-a.1`, `${home}/stacks/a`), { home })!;
    expect(e.path).toBe(`${home}/stacks/a`);
    expect(e.message).toMatch(new RegExp(`^cannot write ${home}/stacks/a: something \\(EXDEV\\); check the path and BERTH_HOME and try again$`));
  });

  it('a write through a descriptor (no path) names BERTH_HOME', () => {
    const e = fsError(errno('ENOSPC', 'write'), { home })!;
    expect(e.message).toBe(`cannot write under ${home}: no space left on the device (ENOSPC); free some space on that disk (df -h shows it) or set BERTH_HOME to a folder on another disk`);
    expect(e.path).toBe(home);
  });

  it('leaves other errors alone: spawn, network, pipes, plain errors', () => {
    expect(fsError(errno('ENOENT', 'spawn docker', 'docker'), { home })).toBeUndefined();
    expect(fsError(errno('EPIPE', 'write'), { home })).toBeUndefined();
    expect(fsError(errno('ECONNREFUSED', 'connect'), { home })).toBeUndefined();
    expect(fsError(new Error('boom'), { home })).toBeUndefined();
    expect(fsError('text', { home })).toBeUndefined();
  });
});
