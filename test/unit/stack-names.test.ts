import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { berthHome, stackDir, stacksDir, validateStackName } from '../../src/store/home.js';
import { errorOf } from './_resolve.js';

describe('stack names', () => {
  it.each(['prod', 'gpu-1', 'a', '0', 'my_stack', 'x'.repeat(63)])('accepts %j', (name) => {
    expect(validateStackName(name)).toBe(name);
    expect(stackDir('/h', name)).toBe(path.join('/h', 'stacks', name));
  });

  it.each(['../x', 'a/b', '.hidden', 'Prod', 'UPPER', '', '-x', '_x', 'a b', 'a.b', '..', '.', '/abs', 'a\\b', 'x'.repeat(64), 'é'])('refuses %j', (name) => {
    const e = errorOf(() => validateStackName(name));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(
      `stack name ${JSON.stringify(name)} is not valid; use up to 63 lowercase letters, digits, - and _, starting with a letter or digit (e.g. prod, gpu-1)`,
    );
    expect(() => stackDir('/h', name)).toThrow(/is not valid/);
  });

  it('BERTH_HOME decides where stacks live', () => {
    expect(berthHome({ BERTH_HOME: '/srv/berth' })).toBe('/srv/berth');
    expect(berthHome({ BERTH_HOME: 'rel' })).toBe(path.resolve('rel'));
    expect(stacksDir('/srv/berth')).toBe('/srv/berth/stacks');
    expect(berthHome({})).toMatch(/\.berth$/);
  });
});
