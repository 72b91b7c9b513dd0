/**
 * The built bin, as users run it: every command that needs no engine, with
 * --json, must load its lazily imported modules from the bundle and print JSON.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from './harness.js';

describe('the bundled CLI', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  it('answers --json on every command that reads stored stacks', async () => {
    const name = sb.name('bundle');
    expect((await sb.berth(['generate', name, '--web', '--postgres', '--monitoring', '--port', '18080', '--postgres-port', '15432', '--json'])).code).toBe(0);
    for (const args of [['list'], ['show', name], ['config', name], ['catalog'], ['catalog', 'postgres'], ['up', name, '--dry-run'], ['--version']]) {
      const r = await sb.berth([...args, '--json']);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      if (!args.includes('--dry-run')) expect(() => JSON.parse(r.stdout), args.join(' ')).not.toThrow();
    }
    const config = JSON.parse((await sb.berth(['config', name, '--json'])).stdout);
    expect(Object.keys(config.services)).toContain('postgres');
  });
});
