import { describe, expect, it } from 'vitest';
import { cryptoSecret, resolveSecrets, SECRET_VALUE_RE } from '../../src/resolve/secrets.js';
import type { SecretDecl } from '../../src/catalog/types.js';
import { countingSecrets } from '../helpers/fakes.js';
import { errorOf, resolveYaml } from './_resolve.js';

const decl = (kind: SecretDecl['kind'] = 'password'): { decl: SecretDecl; service: string } => ({ decl: { key: 'k', kind, doc: '' }, service: 's' });

describe('cryptoSecret', () => {
  it('gives 256-bit URL-safe values, 16 bytes for ids, different every time', () => {
    const a = cryptoSecret('password');
    const b = cryptoSecret('password');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(cryptoSecret('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cryptoSecret('id')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(SECRET_VALUE_RE.test(a)).toBe(true);
    const many = new Set(Array.from({ length: 200 }, () => cryptoSecret('token')));
    expect(many.size).toBe(200);
  });
});

describe('resolveSecrets', () => {
  const declared = new Map([
    ['A_PASSWORD', decl()],
    ['B_TOKEN', decl('token')],
    ['C_ID', decl('id')],
  ]);

  it('generates what is neither given nor kept, in name order', () => {
    const r = resolveSecrets({ declared, given: {}, existing: {}, rotate: false, random: countingSecrets() });
    expect(r.values).toEqual({ A_PASSWORD: 'test-password-0001', B_TOKEN: 'test-token-0002', C_ID: 'test-id-0003' });
    expect(r.generated).toEqual(['A_PASSWORD', 'B_TOKEN', 'C_ID']);
    expect(r.warnings).toEqual([]);
  });

  it('keeps existing values; an empty existing value is regenerated', () => {
    const r = resolveSecrets({ declared, given: {}, existing: { A_PASSWORD: 'kept-aaaaaaaaaaaa', B_TOKEN: '' }, rotate: false, random: countingSecrets() });
    expect(r.values.A_PASSWORD).toBe('kept-aaaaaaaaaaaa');
    expect(r.values.B_TOKEN).toBe('test-token-0001');
    expect(r.generated).toEqual(['B_TOKEN', 'C_ID']);
  });

  it('a given value wins over an existing one, also when rotating', () => {
    for (const rotate of [false, true]) {
      const r = resolveSecrets({ declared, given: { A_PASSWORD: 'given-aaaaaaaaaaa' }, existing: { A_PASSWORD: 'kept-aaaaaaaaaaaa' }, rotate, random: countingSecrets() });
      expect(r.values.A_PASSWORD).toBe('given-aaaaaaaaaaa');
      expect(r.generated).not.toContain('A_PASSWORD');
    }
  });

  it('rotate replaces existing passwords and tokens', () => {
    const r = resolveSecrets({ declared, given: {}, existing: { A_PASSWORD: 'kept-aaaaaaaaaaaa', B_TOKEN: 'kept-bbbbbbbbbbbb' }, rotate: true, random: countingSecrets() });
    expect(r.values.A_PASSWORD).toBe('test-password-0001');
    expect(r.values.B_TOKEN).toBe('test-token-0002');
  });

  it('refuses a given secret nothing uses, naming the ones the stack has', () => {
    const e = errorOf(() => resolveSecrets({ declared, given: { NOPE: 'x'.repeat(20) }, existing: {}, rotate: false, random: countingSecrets() }));
    expect(e.message).toBe("secret NOPE: no service in this stack uses it; this stack's secrets are A_PASSWORD, B_TOKEN, C_ID");
    expect(e.exitCode).toBe(2);
    const none = errorOf(() => resolveSecrets({ declared: new Map(), given: { NOPE: 'x' }, existing: {}, rotate: false, random: countingSecrets() }));
    expect(none.message).toBe('secret NOPE: no service in this stack uses it; this stack has no secrets');
  });

  it.each(['has space', "quote'", 'dollar$x', 'hash#x', 'new\nline', 'slash/x', 'at@x'])('refuses the given value %j without echoing it', (value) => {
    const e = errorOf(() => resolveSecrets({ declared, given: { A_PASSWORD: value }, existing: {}, rotate: false, random: countingSecrets() }));
    expect(e.message).toBe('secret A_PASSWORD: contains characters that break .env or URLs; use letters, digits and . _ ~ + = - only');
  });

  it('says an empty given value is empty', () => {
    const e = errorOf(() => resolveSecrets({ declared, given: { A_PASSWORD: '' }, existing: {}, rotate: false, random: countingSecrets() }));
    expect(e.message).toBe('secret A_PASSWORD: the value given is empty; give one, or leave it out and berth generates it');
  });

  it('warns about a short given secret without showing it', () => {
    const r = resolveSecrets({ declared, given: { A_PASSWORD: 'short' }, existing: {}, rotate: false, random: countingSecrets() });
    expect(r.warnings).toEqual(['secret A_PASSWORD is short (5 characters); a generated one has 43']);
  });
});

describe('secrets in resolveStack', () => {
  const yaml = 'services:\n  postgres: {}\n  kafka: {}\n  api:\n    component: app\n    image: x:1\n    secrets: [JWT_SECRET]\n';

  it('declares one per component secret, named <SERVICE>_<SUFFIX>, plus the app\'s own', () => {
    const s = resolveYaml(yaml);
    expect(Object.keys(s.secrets).sort()).toEqual(['JWT_SECRET', 'KAFKA_CLUSTER_ID', 'POSTGRES_PASSWORD']);
    expect(s.secretNames).toEqual({ postgres: { password: 'POSTGRES_PASSWORD' }, kafka: { clusterId: 'KAFKA_CLUSTER_ID' }, api: { JWT_SECRET: 'JWT_SECRET' } });
    expect(s.services.find((x) => x.name === 'api')!.environment.JWT_SECRET).toEqual([{ secret: 'JWT_SECRET' }]);
  });

  it('keeps the secrets of the existing .env on regenerate', () => {
    const first = resolveYaml(yaml);
    const again = resolveYaml(yaml, { existingEnv: { ...first.secrets, COMPOSE_PROFILES: '' }, random: () => 'fresh-value-000000' });
    expect(again.secrets).toEqual(first.secrets);
    expect(again.generatedSecrets).toEqual([]);
  });

  it('--rotate-secrets replaces passwords and tokens but keeps the Kafka cluster id (its data volume is bound to it)', () => {
    const first = resolveYaml(yaml);
    const rotated = resolveYaml(yaml, { existingEnv: first.secrets, rotateSecrets: true, random: () => 'fresh-value-000000' });
    expect(rotated.secrets.POSTGRES_PASSWORD).toBe('fresh-value-000000');
    expect(rotated.secrets.JWT_SECRET).toBe('fresh-value-000000');
    expect(rotated.secrets.KAFKA_CLUSTER_ID).toBe(first.secrets.KAFKA_CLUSTER_ID);
  });

  it('keeps .env entries nothing uses any more (a re-added database still opens its volume)', () => {
    const s = resolveYaml('services:\n  redis: {}\n', { existingEnv: { POSTGRES_PASSWORD: 'old-pw-xxxxxxxxxxx', COMPOSE_PROFILES: 'x', COMPOSE_PROJECT_NAME: 'test' } });
    expect(s.keptEnv).toEqual({ POSTGRES_PASSWORD: 'old-pw-xxxxxxxxxxx' });
    const back = resolveYaml('services:\n  postgres: {}\n', { existingEnv: { POSTGRES_PASSWORD: 'old-pw-xxxxxxxxxxx' } });
    expect(back.secrets.POSTGRES_PASSWORD).toBe('old-pw-xxxxxxxxxxx');
  });

  it('vars may not set a managed secret or a COMPOSE_ variable', () => {
    expect(errorOf(() => resolveYaml('vars:\n  POSTGRES_PASSWORD: x\nservices:\n  postgres: {}\n')).message).toBe(
      'vars.POSTGRES_PASSWORD: is a secret berth manages; pass it with --secret POSTGRES_PASSWORD=... instead',
    );
    expect(errorOf(() => resolveYaml('vars:\n  COMPOSE_PROFILES: x\nservices:\n  postgres: {}\n')).message).toBe(
      "vars.COMPOSE_PROFILES: COMPOSE_ variables are berth's; use profiles: for COMPOSE_PROFILES",
    );
  });
});

describe('names a stack cannot have', () => {
  it('web and reporting in one stack.yaml', () => {
    expect(errorOf(() => resolveYaml('services:\n  web: {}\n  reporting: {}\n')).message).toBe(
      'services: web (web) and reporting (reporting) cannot share a stack; reporting is the read-only dashboard for what web writes, so keep one',
    );
  });

  it('a secret named like a Compose setting', () => {
    const e = errorOf(() => resolveYaml('services:\n  a: {component: app, image: x/y:1, secrets: [COMPOSE_FILE]}\n'));
    expect(e.message).toBe("services.a.secrets: COMPOSE_FILE is Compose's own setting in .env, not a secret; name it differently");
    expect(e.exitCode).toBe(2);
  });
});
