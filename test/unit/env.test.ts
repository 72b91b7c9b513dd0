import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/render/env.js';
import { renderEnv } from '../../src/render/compose/env.js';
import type { ResolvedStack } from '../../src/model/stack.js';
import { errorOf, resolveYaml } from './_resolve.js';

const stackWith = (parts: Partial<ResolvedStack>): ResolvedStack => ({ name: 'demo', profiles: [], vars: {}, secrets: {}, secretsFromEnv: [], secretSources: {}, keptEnv: {}, ...parts }) as ResolvedStack;

describe('.env rendering', () => {
  it('writes the project, the active profiles, vars, secrets and kept entries in sorted sections', () => {
    const text = renderEnv(stackWith({ profiles: ['obs', 'scale-2'], vars: { Z: '1', A: 'x' }, secrets: { POSTGRES_PASSWORD: 'pw-aaaaaaaaaaaa' }, keptEnv: { OLD_PASSWORD: 'old' } }));
    expect(text).toBe(
      [
        '# berth stack demo: the variables Compose reads, and the stack\'s secrets.',
        '# Keep this file private (mode 0600). berth generate keeps these values; --rotate-secrets replaces them.',
        'COMPOSE_PROJECT_NAME=demo',
        'COMPOSE_PROFILES=obs,scale-2',
        '',
        '# vars from stack.yaml',
        'A=x',
        'Z=1',
        '',
        '# secrets',
        'POSTGRES_PASSWORD=pw-aaaaaaaaaaaa',
        '',
        '# kept from an earlier generation (no service uses these now)',
        'OLD_PASSWORD=old',
        '',
      ].join('\n'),
    );
  });

  it('single-quotes values that are not plain', () => {
    const text = renderEnv(stackWith({ vars: { GREETING: 'hello world', HASH: 'a#b', DOLLAR: 'a$b', PLAIN: 'http://x:1/a?b' } }));
    expect(text).toContain("GREETING='hello world'\n");
    expect(text).toContain("HASH='a#b'\n");
    expect(text).toContain("DOLLAR='a$b'\n");
    expect(text).toContain("PLAIN='http://x:1/a?b'\n");
  });

  it.each([
    ["it's", 'Q'],
    ['two\nlines', 'NL'],
    ['cr\rhere', 'CR'],
  ])('refuses %j in vars:, naming the var', (value, name) => {
    const e = errorOf(() => resolveYaml(`vars:\n  ${name}: ${JSON.stringify(value)}\nservices:\n  redis: {}\n`));
    expect(e.message).toBe(`vars.${name}: a value with a single quote or a line break cannot be written to .env; change it`);
    expect(e.exitCode).toBe(2);
  });

  it('refuses a kept .env entry or secret it cannot write back, naming where it is, not showing it', () => {
    const at = (n: string) => `/stacks/demo/.env:${n.length}`;
    const kept = errorOf(() => resolveYaml('services:\n  redis: {}\n', { existingEnv: { HAND: "it's" }, existingEnvAt: at }));
    expect(kept.message).toBe('/stacks/demo/.env:4: the value of HAND has a single quote, which berth cannot write back to .env; edit or remove that line');
    const secret = errorOf(() => resolveYaml('services:\n  redis: {}\n', { existingEnv: { REDIS_PASSWORD: "pa'ss" }, existingEnvAt: at }));
    expect(secret.message).toBe('/stacks/demo/.env:14: the value of REDIS_PASSWORD has a single quote, which berth cannot write back to .env; edit or remove that line');
    // A value that is replaced is not written back.
    expect(() => resolveYaml('services:\n  redis: {}\n', { existingEnv: { REDIS_PASSWORD: "pa'ss" }, rotateSecrets: true })).not.toThrow();
  });
});

describe('.env round trip', () => {
  const values = [
    '',
    'plain',
    'with space',
    ' leading and trailing ',
    'a#b # c',
    'say "hi"',
    '"fully double-quoted"',
    'dollar $HOME ${X}',
    'back\\slash\\',
    'tab\there',
    'équipe ünïcode ✓',
    'a=b=c',
    'url://u:p@h:1/p?q=1&r=2',
    '0',
    'true',
    '~user+tag=1.2-3_4',
  ];

  it('parseEnv(renderEnv(x)) gives back every value', () => {
    const vars = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const secrets = { A_PASSWORD: 'Ab3_-x.y~z+w=', B_TOKEN: 'x'.repeat(43) };
    const parsed = parseEnv(renderEnv(stackWith({ profiles: ['a', 'b'], vars, secrets, keptEnv: { OLD: 'kept value' } })));
    expect(parsed).toEqual({ COMPOSE_PROJECT_NAME: 'demo', COMPOSE_PROFILES: 'a,b', ...vars, ...secrets, OLD: 'kept value' });
  });

  it('of a resolved stack: the secrets come back as resolved', () => {
    const s = resolveYaml('vars:\n  MOTD: "hello, world"\nservices:\n  postgres: {}\n  redis: {}\n  web: {}\n');
    const parsed = parseEnv(renderEnv(s));
    expect(parsed).toEqual({ COMPOSE_PROJECT_NAME: 'test', COMPOSE_PROFILES: '', MOTD: 'hello, world', ...s.secrets });
  });
});

describe('parseEnv', () => {
  it('skips comments and blanks, takes CRLF, strips one pair of quotes', () => {
    expect(parseEnv("# c\r\n\r\nA=1\r\n  B = x\r\nC='q'\r\nD=\"dq\"\r\nE='unbalanced\r\n=nokey\r\n9X=bad\r\n")).toEqual({ A: '1', C: 'q', D: 'dq', E: "'unbalanced" });
  });

  it('the last of a repeated name wins', () => {
    expect(parseEnv('A=1\nA=2\n')).toEqual({ A: '2' });
  });
});
