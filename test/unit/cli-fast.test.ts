import { describe, expect, it } from 'vitest';
import { plainStatus } from '../../src/cli/fast.js';

describe('the status fast path', () => {
  it('takes plain status calls only; everything else goes through the full CLI', () => {
    expect(plainStatus(['status'])).toEqual({ name: undefined, json: false });
    expect(plainStatus(['status', 'prod', '--json'])).toEqual({ name: 'prod', json: true });
    expect(plainStatus(['status', '--json', 'prod'])).toEqual({ name: 'prod', json: true });
    for (const argv of [['status', '--help'], ['status', '-h'], ['status', 'a', 'b'], ['status', '../x'], ['status', '--version'], ['list'], []]) {
      expect(plainStatus(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
