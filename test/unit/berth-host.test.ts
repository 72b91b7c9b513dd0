/** berth's own server over the stacks of the machine it runs on: what its service is given, and whom its process becomes. */
import { describe, expect, it } from 'vitest';
import { resolveYaml, svc } from './_resolve.js';
import { dropTarget } from '../../src/host/privileges.js';

const lines = (...l: string[]) => l.join('\n') + '\n';
const host = { home: '/home/ana/.berth', dockerSocket: '/var/run/docker.sock' };

describe('web and reporting manage the stacks of their machine', () => {
  it('get the engine socket and the home at its own path, start as root, and know their stack', () => {
    const s = resolveYaml(lines('services:', '  web: {}'), { host });
    const web = svc(s, 'web');
    expect(web.mounts.filter((m) => m.type === 'bind')).toEqual([
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
      { type: 'bind', source: host.home, target: host.home },
    ]);
    expect(web.environment).toMatchObject({ BERTH_HOME: host.home, BERTH_OWN_STACK: 'test' });
    expect(web.user).toBe('0:0');
    // The read-only server reads the home; it cannot write there.
    const r = resolveYaml(lines('services:', '  reporting: {}'), { host });
    expect(svc(r, 'reporting').mounts.find((m) => m.type === 'bind' && m.target === host.home)).toMatchObject({ readOnly: true });
  });

  it('do not, where the stack is not generated for this machine, on another node, or when told not to', () => {
    const none = (s: ReturnType<typeof resolveYaml>, name: string) => expect(svc(s, name).mounts.some((m) => m.type === 'bind')).toBe(false);
    none(resolveYaml(lines('services:', '  web: {}')), 'web');
    none(resolveYaml(lines('services:', '  web: {manageHost: false}'), { host }), 'web');
    none(resolveYaml(lines('nodes:', '  mgmt: {host: ssh://deploy@mgmt.example, address: mgmt.example}', 'services:', '  web: {node: mgmt}'), { host }), 'web');
    expect(svc(resolveYaml(lines('services:', '  web: {manageHost: false}'), { host }), 'web').user).toBeUndefined();
  });

  it('refuse a manageHost that is not a boolean, naming the key', () => {
    expect(() => resolveYaml(lines('services:', '  web: {manageHost: sometimes}'), { host })).toThrow(/services\.web\.manageHost must be true or false/);
  });
});

describe('the server becomes the owner of the home', () => {
  it('when it runs as root over a home someone else owns, keeping the socket group', () => {
    expect(dropTarget({ uid: 0, home: { uid: 1000, gid: 1000 }, socketGid: 998 })).toEqual({ uid: 1000, gid: 1000, groups: [1000, 998] });
    expect(dropTarget({ uid: 0, home: { uid: 1000, gid: 998 }, socketGid: 998 })).toEqual({ uid: 1000, gid: 998, groups: [998] });
  });

  it('not when it already runs as someone, or the home is root’s', () => {
    expect(dropTarget({ uid: 1000, home: { uid: 1000, gid: 1000 } })).toBeUndefined();
    expect(dropTarget({ uid: 0, home: { uid: 0, gid: 0 }, socketGid: 998 })).toBeUndefined();
  });
});
