import { describe, expect, it } from 'vitest';
import { formatBytes, formatMiB, mustParseSize, parseSize, toMiB, MiB } from '../../src/util/size.js';

describe('parseSize', () => {
  it.each([
    ['512m', 512 * MiB],
    ['512M', 512 * MiB],
    ['1g', 1024 * MiB],
    ['1.5g', 1536 * MiB],
    ['7.7g', Math.floor(7.7 * 1024 ** 3)],
    ['1280MiB', 1280 * MiB],
    ['1280mb', 1280 * MiB],
    ['2GB', 2048 * MiB],
    ['64k', 64 * 1024],
    ['1t', 1024 ** 4],
    ['4096', 4096],
    ['100b', 100],
    [' 256m ', 256 * MiB],
    ['256 m', 256 * MiB],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('takes numbers as bytes', () => {
    expect(parseSize(1048576)).toBe(MiB);
    expect(parseSize(1536.9)).toBe(1536);
  });

  it.each(['', 'abc', '12x', '-1g', '1.2.3g', 'g', '0', '0m', '0.0001b', '1 g b', '1gib2'])('%j is not a size', (text) => {
    expect(parseSize(text)).toBeNull();
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('the number %d is not a size', (n) => {
    expect(parseSize(n)).toBeNull();
  });
});

describe('mustParseSize', () => {
  it('returns the bytes of a size', () => {
    expect(mustParseSize('2g', 'x')).toBe(2048 * MiB);
  });

  it('names the key path and the fix', () => {
    expect(() => mustParseSize('lots', 'services.db.memory')).toThrow('services.db.memory: "lots" is not a size; use a number with a unit, like 512m or 1.5g');
    try {
      mustParseSize('lots', '--memory-budget');
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('toMiB and formatMiB', () => {
  it('rounds bytes down to whole MiB, at least 1', () => {
    expect(toMiB(1536 * MiB)).toBe(1536);
    expect(toMiB(MiB + MiB / 2)).toBe(1);
    expect(toMiB(1)).toBe(1);
    expect(toMiB(Math.floor(7.7 * 1024 ** 3))).toBe(7884);
  });

  it('formats MiB for tables', () => {
    expect(formatMiB(768)).toBe('768m');
    expect(formatMiB(1024)).toBe('1g');
    expect(formatMiB(1280)).toBe('1.25g');
    expect(formatMiB(1536)).toBe('1.5g');
    expect(formatMiB(7884)).toBe('7.7g');
  });
});

describe('formatBytes', () => {
  it.each([
    [100, '100b'],
    [1024, '1k'],
    [1536, '1.5k'],
    [768 * MiB, '768m'],
    [1000 * MiB, '1000m'],
    [1280 * MiB, '1.25g'],
    [Math.floor(7.7 * 1024 ** 3), '7.7g'],
    [2 * 1024 ** 4, '2t'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
