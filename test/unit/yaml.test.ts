import { describe, expect, it } from 'vitest';
import { LIBRARY, libraryYaml, toYaml } from '../../src/util/yaml.js';
import { fastWritable, fastYaml } from '../../src/util/yaml-fast.js';


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

describe('the fast writer writes what the library writes', () => {
  const TRICKY = [
    'yes', 'no', 'n', 'Y', 'On', 'OFF', 'True', 'null', 'Null', '~', '', ' ', '1:20', '0x1F', '0o17', '+1', '-1', '1_000', '1e3', '.5', '.inf', '.NaN',
    '2001-12-14', '<<', 'a: b', 'a:b', 'a:', ':a', '- x', '-x', '#c', 'a #c', 'a#c', '@x', 'x@y', 'x,y', "it's", '"q"', ' lead', 'trail ', 'a\tb', '{x}', '[x]',
    '*a', '&a', '!t', '%p', '`b', '|', '>', '?', '?x', 'ü', 'é/x', '$(X)', 'redis://:$(P)@redis:6379/0', '/data', '/', 'a/b', 'x.y-z_w', 'CMD-SHELL',
    'until nc -z -w 2 redis 6379; do echo "waiting"; done', 'tab\there', 'a\\b', "'", '"', 'x'.repeat(200),
  ];
  const shapes: unknown[] = [
    ...TRICKY.map((s) => ({ value: s })),
    ...TRICKY.map((s) => ({ [s || 'empty']: 1 })),
    ...TRICKY.map((s) => ({ list: [s, s] })),
    ...TRICKY.map((s) => ({ list: [s, 'x'.repeat(120)] })),
    { n: [0, -3, 0.5, 1e21, 2 ** 60, true, false, null] },
    { nested: [[1, 2], [{ a: 1, b: [] }], [], {}, [[]], [{}], { x: { y: { z: [{ a: [{ b: 'c' }] }] } } }] },
    { undef: undefined, keep: 1, arr: [{ a: undefined, b: 2 }] },
    [{ a: 1 }, ['x', '/abs'], 'y'],
  ];
  it.each(shapes.map((s) => [JSON.stringify(s).slice(0, 60), s]))('%s', (_, shape) => {
    if (fastWritable(shape)) expect(fastYaml(shape, LIBRARY)).toBe(libraryYaml(shape));
  });

  it('writes every rendered Kubernetes object and Compose file as the library does', async () => {
    const { renderBundle } = await import('../../src/render/compose/bundle.js');
    const { renderKubernetes } = await import('../../src/render/kubernetes/index.js');
    const { listExamples, EXAMPLES_ROOT } = await import('../golden/_golden.js');
    const { parseAllDocuments } = await import('yaml');
    const fs = await import('node:fs');
    const { resolveYaml } = await import('./_resolve.js');
    let compared = 0;
    for (const name of listExamples()) {
      const stack = resolveYaml(fs.readFileSync(`${EXAMPLES_ROOT}/${name}/stack.yaml`, 'utf8'), { name, specDir: `${EXAMPLES_ROOT}/${name}` });
      const files = [...renderBundle(stack, '').files, ...renderKubernetes(stack).files].filter((f) => /\.ya?ml$/.test(f.path));
      for (const f of files) {
        for (const doc of parseAllDocuments(f.content)) {
          const data = doc.toJS();
          if (!fastWritable(data)) continue;
          expect(toYaml(data, { sort: false }), `${name}: ${f.path}`).toBe(libraryYaml(data));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
