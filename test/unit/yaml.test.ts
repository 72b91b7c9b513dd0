import { describe, expect, it } from 'vitest';
import { toYaml } from '../../src/util/yaml.js';

describe('toYaml', () => {
  it('writes short lists of scalars on one line', () => {
    expect(toYaml({ ports: ['8080:8080', '9090:9090'] })).toBe('ports: [8080:8080, 9090:9090]\n');
  });

  it('lays out lists of host paths the same wherever the stack lives', () => {
    const layout = (root: string) =>
      toYaml({ volumes: [`${root}/exports:/etc/exports:ro`, 'data:/data'] }).replaceAll(root, '<root>');
    expect(layout('/a')).toBe(layout(`/${'very-long-directory-name/'.repeat(6)}checkout`));
    expect(layout('/a')).toContain('\n  - <root>/exports:/etc/exports:ro\n');
  });

  it('keeps strings that YAML 1.1 would read as booleans or numbers quoted', () => {
    const text = toYaml({ a: 'yes', b: 'on', c: '1_000' });
    expect(text).not.toMatch(/: yes$|: on$|: 1_000$/m);
  });
});
