import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi, onTestFinished } from 'vitest';
import { repairStackDir, replaceDir } from '../../src/store/atomic.js';
import { listFiles } from '../../src/store/files.js';

/** A temp dir removed when the test finishes. */
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-atomic-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const read = (dir: string) => Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replaceDir', () => {
  it('creates a new stack dir with every file, modes as asked, nothing else beside it', () => {
    const parent = tmp();
    const dir = path.join(parent, 'stacks', 'prod');
    replaceDir(dir, [
      { path: 'docker-compose.yaml', content: 'services: {}\n' },
      { path: '.env', content: 'A=1\n', mode: 0o600 },
      { path: 'grafana/provisioning/datasources/berth.yaml', content: 'x: 1\n' },
    ]);
    expect(read(dir)).toEqual({ '.env': 'A=1\n', 'docker-compose.yaml': 'services: {}\n', 'grafana/provisioning/datasources/berth.yaml': 'x: 1\n' });
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'docker-compose.yaml')).mode & 0o777).toBe(0o644);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.join(parent, 'stacks'))).toEqual(['prod']);
  });

  it('replaces the whole dir: files the new bundle lacks are gone', () => {
    const dir = path.join(tmp(), 'prod');
    replaceDir(dir, [{ path: 'a', content: '1' }, { path: 'old/b', content: '2' }]);
    replaceDir(dir, [{ path: 'a', content: '3' }]);
    expect(read(dir)).toEqual({ a: '3' });
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['prod']);
  });

  it('a failure while writing leaves the old files exactly as they were and no temp dir behind', () => {
    const dir = path.join(tmp(), 'prod');
    replaceDir(dir, [{ path: 'a', content: 'old-a' }, { path: '.env', content: 'S=1\n', mode: 0o600 }]);
    // The same path twice: the second exclusive create fails halfway through the tree.
    expect(() => replaceDir(dir, [{ path: 'a', content: 'new-a' }, { path: 'a', content: 'again' }])).toThrow(/EEXIST/);
    expect(read(dir)).toEqual({ a: 'old-a', '.env': 'S=1\n' });
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['prod']);
  });

  it('refuses a file path that escapes the stack dir, writing nothing', () => {
    const parent = tmp();
    const dir = path.join(parent, 'prod');
    expect(() => replaceDir(dir, [{ path: '../evil', content: 'x' }])).toThrow(/escapes the stack dir/);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('a failed final rename puts the old dir back', () => {
    const dir = path.join(tmp(), 'prod');
    replaceDir(dir, [{ path: 'a', content: 'old' }]);
    const real = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.tmp-')) throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' });
      return real(from, to);
    });
    expect(() => replaceDir(dir, [{ path: 'a', content: 'new' }])).toThrow(/simulated/);
    vi.restoreAllMocks();
    expect(read(dir)).toEqual({ a: 'old' });
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['prod']);
  });
});

describe('crash repair', () => {
  it('a crash between the two renames (dir moved aside, new one not in place) is undone', () => {
    const parent = tmp();
    fs.mkdirSync(path.join(parent, '.old-prod.0badc0de'));
    fs.writeFileSync(path.join(parent, '.old-prod.0badc0de', 'a'), 'old');
    fs.mkdirSync(path.join(parent, '.tmp-prod.0badc0de'));
    fs.writeFileSync(path.join(parent, '.tmp-prod.0badc0de', 'a'), 'half-new');
    repairStackDir(parent, 'prod');
    expect(fs.readdirSync(parent)).toEqual(['prod']);
    expect(read(path.join(parent, 'prod'))).toEqual({ a: 'old' });
  });

  it('a crash after the swap (old dir not yet removed) keeps the new dir', () => {
    const parent = tmp();
    fs.mkdirSync(path.join(parent, 'prod'));
    fs.writeFileSync(path.join(parent, 'prod', 'a'), 'new');
    fs.mkdirSync(path.join(parent, '.old-prod.12345678'));
    fs.writeFileSync(path.join(parent, '.old-prod.12345678', 'a'), 'old');
    repairStackDir(parent, 'prod');
    expect(fs.readdirSync(parent)).toEqual(['prod']);
    expect(read(path.join(parent, 'prod'))).toEqual({ a: 'new' });
  });

  it('leaves other stacks alone, also ones whose names start alike', () => {
    const parent = tmp();
    for (const d of ['.old-prod2.aaaa', '.tmp-prod-eu.bbbb', 'prod2']) fs.mkdirSync(path.join(parent, d));
    fs.mkdirSync(path.join(parent, '.tmp-prod.cccc'));
    repairStackDir(parent, 'prod');
    expect(fs.readdirSync(parent).sort()).toEqual(['.old-prod2.aaaa', '.tmp-prod-eu.bbbb', 'prod2']);
  });

  it('replaceDir repairs before it writes', () => {
    const parent = tmp();
    fs.mkdirSync(path.join(parent, '.old-prod.0badc0de'));
    fs.writeFileSync(path.join(parent, '.old-prod.0badc0de', 'a'), 'old');
    replaceDir(path.join(parent, 'prod'), [{ path: 'b', content: 'new' }]);
    expect(fs.readdirSync(parent)).toEqual(['prod']);
    expect(read(path.join(parent, 'prod'))).toEqual({ b: 'new' });
  });

  it('does nothing when the parent does not exist', () => {
    expect(() => repairStackDir(path.join(tmp(), 'missing'), 'prod')).not.toThrow();
  });
});
