/** A secret from a secret manager on Kubernetes: never in the generated env file, read from a Secret the user makes, and said so. */
import { describe, expect, it } from 'vitest';
import { planSecrets } from '../../src/render/kubernetes/secrets.js';
import { kubeOptions } from '../../src/render/kubernetes/options.js';
import { resolveYaml } from '../unit/_resolve.js';

describe('secrets from a provider on Kubernetes', () => {
  const stack = resolveYaml('secrets:\n  POSTGRES_PASSWORD: pass:prod/db\nservices:\n  postgres: {}\n  redis: {}\n');

  it('stay out of the env file; pods read them from the <stack>-env Secret the warning says to create', () => {
    const plan = planSecrets(stack, kubeOptions('test'));
    expect(plan.envFile).toBe('REDIS_PASSWORD=test-password-0001\n');
    expect(plan.refOf('POSTGRES_PASSWORD')).toEqual({ secret: 'test-env', key: 'POSTGRES_PASSWORD' });
    expect(plan.warnings).toEqual([
      'secrets: POSTGRES_PASSWORD comes from a provider (pass:prod/db) and is never stored by berth; create Secret test-env before applying (kubectl create secret generic test-env -n test --from-literal=POSTGRES_PASSWORD=...), or name an existing one with --existing-secret NAME=secret',
    ]);
  });

  it('an existing Secret named for it needs no warning', () => {
    const plan = planSecrets(stack, kubeOptions('test', { existingSecrets: { POSTGRES_PASSWORD: { secret: 'prod-db', key: 'password' } } }));
    expect(plan.refOf('POSTGRES_PASSWORD')).toEqual({ secret: 'prod-db', key: 'password' });
    expect(plan.warnings).toEqual([]);
  });
});
