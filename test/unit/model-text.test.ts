import { describe, expect, it } from 'vitest';
import { joinText, mapAsString, mapLiterals, plainOf, secretText, splitText, text } from '../../src/model/text.js';
import { parseInterpolated } from '../../src/spec/interpolation.js';

describe('Text helpers', () => {
  it('text`` joins literals and references, a plain string when nothing refers', () => {
    const pw = secretText('PW');
    expect(text`postgresql://app:${pw}@db:${5432}/app`).toEqual(['postgresql://app:', { secret: 'PW' }, '@db:5432/app']);
    expect(text`a${'b'}${''}c`).toBe('abc');
    expect(joinText([])).toBe('');
  });

  it('string functions work on a Text with its references kept in place', () => {
    const t = parseInterpolated('./${DIR}/../x:/data:ro');
    expect(splitText(t, ':')).toEqual([['./', { var: 'DIR' }, '/../x'], '/data', 'ro']);
    expect(mapAsString(parseInterpolated('./${A}/./b/'), (s) => s.replace(/\/\.\//g, '/'))).toEqual(['./', { var: 'A' }, '/b/']);
    expect(mapLiterals(parseInterpolated('{{x}}-${A}'), (s) => s.replace('{{x}}', 'y'))).toEqual(['y-', { var: 'A' }]);
    expect(plainOf(parseInterpolated('a$$b'))).toBe('a$b');
    expect(plainOf(parseInterpolated('a$B'))).toBeUndefined();
  });
});
