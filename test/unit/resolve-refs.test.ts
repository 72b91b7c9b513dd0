import { describe, expect, it } from 'vitest';
import { mapServiceTexts, settleReferences, settleVars } from '../../src/resolve/refs.js';
import type { Service } from '../../src/model/service.js';
import { errorOf } from './_resolve.js';

function service(parts: Partial<Service> = {}): Service {
  return { name: 'api-a', component: 'app', role: 'service', image: 'x:1', environment: {}, ports: [], mounts: [], dependsOn: {}, memoryMiB: 64, profiles: [], replicas: 1, labels: {}, restart: 'always', origin: { spec: 'api', instance: 'a' }, ...parts };
}

describe('the refs pass', () => {
  const secrets = new Set(['DB_PASSWORD']);

  it('a variable that names a secret refers to the secret; one with a default stays a variable', () => {
    const s = service({ environment: { PW: [{ var: 'DB_PASSWORD' }], OR: [{ var: 'DB_PASSWORD', op: ':-', arg: 'x' }], TAG: ['v', { var: 'TAG' }] } });
    settleReferences([s], { TAG: '1' }, secrets);
    expect(s.environment).toEqual({ PW: [{ secret: 'DB_PASSWORD' }], OR: [{ var: 'DB_PASSWORD', op: ':-', arg: 'x' }], TAG: ['v', { var: 'TAG' }] });
  });

  it('COMPOSE_ settings are defined; anything else not in vars is refused under the key the user wrote', () => {
    expect(() => settleReferences([service({ environment: { P: [{ var: 'COMPOSE_PROJECT_NAME' }] } })], {}, secrets)).not.toThrow();
    const bad = service({ mounts: [{ type: 'bind', source: ['/srv/', { var: 'DATA' }], target: '/data' }] });
    expect(errorOf(() => settleReferences([bad], {}, secrets, () => 'api')).message).toBe(
      'services.api.volumes: ${DATA} is not defined; define it under vars: in stack.yaml, or write $$ for a literal dollar',
    );
  });

  it('mapServiceTexts reaches every Text of a service, with its key', () => {
    const keys: string[] = [];
    const s = service({
      command: ['run'],
      entrypoint: ['sh'],
      labels: { team: 't' },
      probe: { shell: 'true', intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 1 },
      build: { context: '.', dockerfile: 'D', args: { V: '1' } },
      environment: { E: 'e' },
      mounts: [{ type: 'volume', source: 'data', target: '/d' }, { type: 'config', path: 'c/f', target: '/f' }],
    });
    mapServiceTexts(s, (t, key) => (keys.push(key), t));
    expect(keys).toEqual(['image', 'env.E', 'command', 'entrypoint', 'health', 'labels.team', 'volumes', 'build', 'build.dockerfile', 'build.args.V']);
  });

  it('vars: are .env values; a secret\'s name or a COMPOSE_ one is refused', () => {
    expect(settleVars({ N: 1, B: true, S: 'x' }, new Map())).toEqual({ N: '1', B: 'true', S: 'x' });
    expect(errorOf(() => settleVars({ DB_PASSWORD: 'x' }, new Map([['DB_PASSWORD', {}]]))).message).toMatch(/^vars\.DB_PASSWORD: is a secret berth manages/);
    expect(errorOf(() => settleVars({ COMPOSE_FILE: 'x' }, new Map())).message).toMatch(/^vars\.COMPOSE_FILE: COMPOSE_ variables are berth's/);
  });
});
