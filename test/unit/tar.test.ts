/** The tar berth writes is what GNU tar unpacks (modes kept); the entries berth reads are what tar wrote, and a filtered copy unpacks without the skipped ones. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tarEntries, tarOf, tarWithout } from '../../src/engine/tar.js';

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tar-'));
  onTestFinished(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const LONG = `${'deep/'.repeat(30)}file.txt`;

describe('tar', () => {
  it('writes files GNU tar unpacks with their content, folders and modes', () => {
    const d = tmp();
    const files = [
      { path: 'docker-compose.yaml', content: 'services: {}\n' },
      { path: '.env', content: 'SECRET=x\n', mode: 0o600 },
      { path: 'grafana/provisioning/datasources/berth.yaml', content: 'ünïcödé\n' },
      { path: LONG, content: Buffer.alloc(1500, 7) },
    ];
    fs.writeFileSync(path.join(d, 'a.tar'), tarOf(files, 1_700_000_000));
    fs.mkdirSync(path.join(d, 'out'));
    execFileSync('tar', ['-x', '-f', path.join(d, 'a.tar'), '-C', path.join(d, 'out')]);
    for (const f of files) expect(fs.readFileSync(path.join(d, 'out', f.path))).toEqual(Buffer.from(f.content));
    expect(fs.statSync(path.join(d, 'out', '.env')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(d, 'out', 'docker-compose.yaml')).mtimeMs).toBe(1_700_000_000_000);
  });

  it('reads the entries of an archive tar wrote, long names included, and streams it again without some', async () => {
    const d = tmp();
    const src = path.join(d, 'src');
    fs.mkdirSync(path.join(src, path.dirname(LONG)), { recursive: true });
    fs.writeFileSync(path.join(src, 'manifest.json'), '[]');
    fs.writeFileSync(path.join(src, 'layer.tar'), Buffer.alloc(700_000, 1));
    fs.writeFileSync(path.join(src, LONG), 'long');
    for (const format of ['gnu', 'pax']) {
      const file = path.join(d, `${format}.tar`);
      execFileSync('tar', ['-c', `--format=${format}`, '-f', file, '-C', src, 'manifest.json', 'layer.tar', LONG]);
      const fd = fs.openSync(file, 'r');
      const entries = tarEntries(fd);
      fs.closeSync(fd);
      expect(entries.map((e) => [e.name, e.size])).toEqual([['manifest.json', 2], ['layer.tar', 700_000], [LONG, 4]]);
      const copy = path.join(d, `${format}-copy.tar`);
      const chunks: Buffer[] = [];
      for await (const c of tarWithout(file, (n) => n === 'layer.tar')) chunks.push(c);
      fs.writeFileSync(copy, Buffer.concat(chunks));
      expect(execFileSync('tar', ['-t', '-f', copy], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', LONG]);
    }
  });
});
