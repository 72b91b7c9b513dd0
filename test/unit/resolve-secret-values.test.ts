import { describe, expect, it } from 'vitest';
import { settleSecretValues, type SecretValuesInput } from '../../src/resolve/secret-values.js';
import { nameSecrets } from '../../src/resolve/secret-names.js';
import { parseSpecText } from '../../src/resolve/spec.js';
import { countingSecrets } from '../helpers/fakes.js';
import { errorOf } from './_resolve.js';

function settle(yaml: string, more: Partial<SecretValuesInput> = {}) {
  const spec = parseSpecText(yaml).services;
  return settleSecretValues({ stack: 'st', spec, names: nameSecrets(spec), fromEnv: undefined, vars: {}, volumesOf: new Map([['postgres', ['postgres-data']]]), externals: [], random: countingSecrets(), ...more });
}

describe('the secret values pass', () => {
  it('generates what is neither given nor kept, and keeps entries of the earlier .env nothing uses now', () => {
    const r = settle('services:\n  postgres: {}\n', { existingEnv: { OLD_PASSWORD: 'old-value', COMPOSE_PROFILES: '' } });
    expect(r.secrets).toEqual({ POSTGRES_PASSWORD: 'test-password-0001' });
    expect(r.generatedSecrets).toEqual(['POSTGRES_PASSWORD']);
    expect(r.keptEnv).toEqual({ OLD_PASSWORD: 'old-value' });
    expect(r.initOnlySecrets).toEqual([{ name: 'POSTGRES_PASSWORD', service: 'postgres', volumes: ['postgres-data'] }]);
  });

  it('secrets read from the environment are neither generated nor stored; one that moves there is a warning', () => {
    const r = settle('services:\n  postgres: {}\n', { fromEnv: true, existingEnv: { POSTGRES_PASSWORD: 'was-stored-here' } });
    expect(r.secrets).toEqual({});
    expect(r.secretsFromEnv).toEqual(['POSTGRES_PASSWORD']);
    expect(r.warnings).toEqual(['POSTGRES_PASSWORD is now read from the environment and no longer stored in .env; export it before berth up']);
    expect(errorOf(() => settle('services:\n  postgres: {}\n', { fromEnv: ['NOPE'] })).message).toBe('secretsFromEnv: NOPE is not a secret of this stack; its secrets: POSTGRES_PASSWORD');
  });

  it('secrets from a provider are neither generated nor stored; a relative file: is read from stack.yaml\'s folder', () => {
    const sources = { POSTGRES_PASSWORD: { provider: 'file' as const, path: 'keys/pg' } };
    const r = settle('services:\n  postgres: {}\n  redis: {}\n', { fromEnv: true, sources, specDir: '/srv/stack', existingEnv: { POSTGRES_PASSWORD: 'was-stored-here' } });
    expect(r.secrets).toEqual({});
    expect(r.secretsFromEnv).toEqual(['REDIS_PASSWORD']);
    expect(r.secretSources).toEqual({ POSTGRES_PASSWORD: { provider: 'file', path: '/srv/stack/keys/pg' } });
    expect(r.warnings).toEqual(['POSTGRES_PASSWORD is now read from file:/srv/stack/keys/pg and no longer stored in .env']);
  });

  it('warns about a generated value something outside the stack must hold too', () => {
    const r = settle('services:\n  postgres: {}\n  agent: {serverUrl: "https://s:8080"}\n', { externals: [{ name: 'postgres', component: 'postgres', host: 'db.lan', port: 5432 }] });
    expect(r.warnings).toEqual([
      'BERTH_AUTH_TOKEN was generated, but it must match the berth server at https://s:8080; pass its value with --secret BERTH_AUTH_TOKEN=... (or --auth-token)',
      'POSTGRES_PASSWORD was generated for the external postgres at db.lan; set its real value with --secret POSTGRES_PASSWORD=...',
    ]);
  });

  it('refuses a kept value .env cannot hold, naming where it is', () => {
    const e = errorOf(() => settle('services:\n  redis: {}\n', { existingEnv: { REDIS_PASSWORD: "it's" }, existingEnvAt: (n) => `/st/.env:${n.length}` }));
    expect(e.message).toBe("/st/.env:14: the value of REDIS_PASSWORD has a single quote, which berth cannot write back to .env; edit or remove that line");
  });
});
