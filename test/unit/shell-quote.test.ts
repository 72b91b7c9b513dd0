/**
 * The one quoting function: argv in, one command line out, read back by real
 * shells as the same argv. What reaches another host over ssh is that line.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { remoteLine, stdinEnv, shellLine, shellWord } from '../../src/engine/shell.js';

const NASTY = [
  '',
  'plain',
  'two words',
  "it's",
  "''",
  '"double"',
  '$HOME',
  '${PATH}',
  '`id`',
  '$(id)',
  'a;b',
  'a && b',
  'a|b',
  '> out',
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '#comment',
  '-n',
  '--',
  'back\\slash',
  'line\nbreak',
  'tab\there',
  'ünïcödé ✓',
  '!bang',
  '{a,b}',
  'A=b',
  '%s\\0',
];

/** What a shell makes of a line: the arguments printf receives, one per NUL. */
function argsSeenBy(shell: string, line: string): string[] {
  const r = spawnSync(shell, ['-c', line], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

const shells = ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/zsh'].filter((s) => fs.existsSync(s));

describe('shell quoting', () => {
  it('leaves plain words as they are and single-quotes the rest', () => {
    expect(shellWord('docker-compose')).toBe('docker-compose');
    expect(shellWord('/home/deploy/.berth/releases/shop/core/3')).toBe('/home/deploy/.berth/releases/shop/core/3');
    expect(shellWord('IMAGE_TAG=v1.2')).toBe('IMAGE_TAG=v1.2');
    expect(shellWord('')).toBe("''");
    expect(shellWord('two words')).toBe("'two words'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$HOME')).toBe("'$HOME'");
    expect(shellWord('~')).toBe("'~'");
    expect(shellLine(['docker', 'image', 'inspect', '--format', '{{.Id}}', 'x/api:1'])).toBe("docker image inspect --format '{{.Id}}' x/api:1");
  });

  it.each(shells)('every argument comes back as it was from %s', (shell) => {
    expect(argsSeenBy(shell, shellLine(['printf', '%s\\0', ...NASTY]))).toEqual(NASTY);
  });

  it('refuses an argument no command line can carry', () => {
    expect(() => shellWord('a\0b')).toThrow('NUL');
  });
});

describe('the remote command line', () => {
  it('goes into the folder, sets the environment, and runs argv in place of the shell', () => {
    expect(remoteLine({ argv: ['docker-compose', 'up', '--no-start', 'db'], cwd: '/srv/my releases/1', env: { IMAGE_TAG: "v'2" } })).toBe(
      "cd '/srv/my releases/1' && exec env 'IMAGE_TAG=v'\\''2' docker-compose up --no-start db",
    );
    expect(remoteLine({ argv: ['printenv', 'HOME'] })).toBe('exec printenv HOME');
  });

  it.each(shells)('is read by %s as the argv it was made from, in its folder, with its environment', (shell) => {
    const dir = fs.mkdtempSync('/tmp/berth quote \'test\' ');
    try {
      const line = remoteLine({ argv: ['sh', '-c', 'printf "%s\\0" "$PWD" "$X" "$@"', 'sh', ...NASTY], cwd: dir, env: { X: '$(id) `id` "q"' } });
      expect(argsSeenBy(shell, line)).toEqual([dir, '$(id) `id` "q"', ...NASTY]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('refuses an environment name that is not one', () => {
    expect(() => remoteLine({ argv: ['true'], env: { 'A B': '1' } })).toThrow('not an environment name');
  });
});

describe('secrets on stdin', () => {
  const values = { PLAIN: 'abc123', NASTY: `it's "$(rm -rf /)" \`x\` $HOME \\n %s =x= ; | & * ~ ünï ✓`, LEADING: '  spaced  ' };

  it.each(shells)('%s reads NAME=value lines up to the empty one into the environment, then runs the command with the rest of stdin', (shell) => {
    const line = remoteLine({ argv: ['sh', '-c', 'printf "%s\\0" "$PLAIN" "$NASTY" "$LEADING"; cat'], secretEnv: values });
    expect(line).not.toContain('abc123');
    const r = spawnSync(shell, ['-c', line], { encoding: 'utf8', input: stdinEnv(values) + 'after\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\0')).toEqual([values.PLAIN, values.NASTY, values.LEADING, 'after\n']);
  });

  it('refuses a value of several lines and a name that is none', () => {
    expect(() => stdinEnv({ A: 'x\ny' })).toThrow('not one line');
    expect(() => stdinEnv({ 'A B': 'x' })).toThrow('not an environment name');
  });
});
