/**
 * A server that runs in one of the stacks it manages (BERTH_OWN_STACK, as
 * the web component sets it) lists and shows that stack like any other, but
 * never stops, restarts or regenerates it: that would end or replace the
 * server in the middle of the job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/server/config.js';
import { SPEC, asBrowser, login, testServer } from './_app.js';

const OWN = 'services:\n  web: {}\n  postgres: {}\n';

async function serverInOwnStack() {
  const maker = await testServer();
  for (const [name, spec] of [['ctl', OWN], ['prod', SPEC]] as const) expect((await maker.call('POST', `/api/v1/stacks/${name}`, { payload: { spec } })).statusCode).toBe(201);
  return testServer({ home: maker.home, ownStack: 'ctl' });
}

describe('the stack a server runs in', () => {
  it('is listed, but no action or regenerate reaches it; other stacks still work', async () => {
    const s = await serverInOwnStack();
    expect((await s.call('GET', '/api/v1/stacks')).json().stacks.map((x: { name: string }) => x.name)).toEqual(['ctl', 'prod']);
    for (const action of ['up', 'down', 'restart', 'scale']) {
      const r = await s.call('POST', `/api/v1/stacks/ctl/${action}`, { payload: action === 'scale' ? { replicas: { web: 2 } } : {} });
      expect([r.statusCode, r.json().error]).toEqual([409, { code: 'conflict', message: `ctl: is the stack this server runs in, which it cannot ${action} under itself; run berth ${action} ctl on its host` }]);
    }
    const spec = path.join(s.home, 'stacks', 'ctl', 'stack.yaml');
    const regen = await s.call('POST', '/api/v1/stacks/ctl', { payload: { spec: 'services:\n  redis: {}\n' } });
    expect(regen.statusCode).toBe(409);
    expect(fs.readFileSync(spec, 'utf8')).toBe(OWN);
    expect(await s.ctx.jobStore.list({ limit: 5 })).toEqual([]);
    expect((await s.call('POST', '/api/v1/stacks/prod/down', { payload: {} })).statusCode).toBe(202);
    await s.ctx.jobs.idle();
  });

  it("has no action buttons on its dashboard page, which says how to change it", async () => {
    const s = await serverInOwnStack();
    const browser = asBrowser(s, (await login(s)).cookie);
    const own = (await browser('GET', '/stacks/ctl')).body;
    expect(own).not.toContain('action="/stacks/ctl/actions"');
    expect(own).toContain('This server runs in stack ctl');
    expect((await browser('GET', '/stacks/prod')).body).toContain('action="/stacks/prod/actions"');
  });

  it('is named by BERTH_OWN_STACK, which must be a stack name', () => {
    const env = { BERTH_AUTH_TOKEN: 'x'.repeat(32), BERTH_SECRET_KEY: 'y'.repeat(32) };
    expect(serveConfig('web', {}, { ...env, BERTH_OWN_STACK: 'ctl' }, '/h', '/cwd').ownStack).toBe('ctl');
    expect(serveConfig('web', {}, env, '/h', '/cwd').ownStack).toBeUndefined();
    expect(() => serveConfig('web', {}, { ...env, BERTH_OWN_STACK: '../x' }, '/h', '/cwd')).toThrow('BERTH_OWN_STACK: "../x" is not a stack name');
  });
});
