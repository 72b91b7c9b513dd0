/**
 * berth agent and berth agent token create: their flags and what they
 * refuse, and the trust in a server's certificate against a real HTTPS
 * server: a pinned fingerprint that matches works, one that does not is
 * refused before the request (with its token) is sent, and a self-signed
 * certificate is refused without a pin, a CA file or --insecure.
 */
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { keptServerCert } from '../../src/ops/tls.js';
import { AgentStore } from '../../src/store/records/agents.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { TOKEN, testServer } from '../server/_app.js';

async function httpsServer() {
  const home = tempHome('berth-agent-cli-');
  const cert = await keptServerCert(`${home}/tls`, ['localhost', '127.0.0.1']);
  const s = await testServer({ https: { cert: cert.cert, key: cert.key } });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `https://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  return { s, url, fingerprint: new X509Certificate(cert.cert).fingerprint256, certFile: cert.certFile, home };
}

const tokens = async (s: Awaited<ReturnType<typeof testServer>>) => (await new AgentStore(s.records.db).openTokens(new Date().toISOString())).length;

describe('berth agent', () => {
  it('refuses bad flags with exit 2 and one line naming the flag', async () => {
    const home = tempHome();
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['agent'], {}, /--server-url: is required/],
      [['agent', '--server-url', 'ftp://x'], {}, /--server-url: ftp: is not http or https/],
      [['agent', '--server-url', 'https://x:8080', '--server-fingerprint', 'AB:CD'], {}, /--server-fingerprint: "AB:CD" is not a SHA-256 fingerprint/],
      [['agent', '--server-url', 'https://x:8080', '--insecure', '--ca-file', 'ca.pem'], {}, /give one of --ca-file, --server-fingerprint or --insecure/],
      [['agent', '--server-url', 'https://x:8080', '--interval', '0'], {}, /--interval: "0" is not a number from 1 to 3600/],
      [['agent', 'frobnicate'], {}, /agent: "frobnicate" is not an agent command/],
      [['agent', 'token', 'create', '--server-url', 'https://x:8080'], { BERTH_AUTH_TOKEN: '' }, /BERTH_AUTH_TOKEN: is not set/],
      [['agent', 'token', 'create', '--server-url', 'https://x:8080', '--ttl', '5'], { BERTH_AUTH_TOKEN: TOKEN }, /--ttl: "5" is not a number of seconds/],
    ];
    for (const [argv, env, message] of cases) {
      const r = await runCli(argv, { home, env: { BERTH_SERVER_URL: '', ...env } });
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const j = await runCli(['agent', '--json'], { home, env: { BERTH_SERVER_URL: '' } });
    expect(JSON.parse(j.stdout)).toEqual({ error: { code: 'usage', message: expect.stringContaining('--server-url'), path: '--server-url' } });
  });

  it('token create makes a one-time token through the API, trusting exactly the pinned certificate', async () => {
    const { s, url, fingerprint } = await httpsServer();
    const env = { BERTH_AUTH_TOKEN: TOKEN, BERTH_SERVER_URL: url };
    const ok = await runCli(['agent', 'token', 'create', '--server-fingerprint', fingerprint], { home: tempHome(), env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^berth-enroll-[A-Za-z0-9_-]{43}\n$/);
    expect(await tokens(s)).toBe(1);
    const json = await runCli(['agent', 'token', 'create', '--json', '--ttl', '120', '--server-fingerprint', fingerprint.replace(/:/g, '').toLowerCase()], { home: tempHome(), env });
    expect(JSON.parse(json.stdout)).toEqual({ token: expect.stringMatching(/^berth-enroll-/), expiresAt: expect.any(String) });
    expect(await tokens(s)).toBe(2);

    const other = `${'00:'.repeat(31)}00`;
    const pinned = await runCli(['agent', 'token', 'create', '--server-fingerprint', other], { home: tempHome(), env });
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toContain(`its SHA-256 fingerprint is ${fingerprint.replace(/:/g, '').toLowerCase()}`);
    const unverified = await runCli(['agent', 'token', 'create'], { home: tempHome(), env });
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toMatch(/self.signed certificate/i);
    expect(await tokens(s)).toBe(2);
    const wrongToken = await runCli(['agent', 'token', 'create', '--insecure'], { home: tempHome(), env: { ...env, BERTH_AUTH_TOKEN: 'not-the-token-at-all' } });
    expect([wrongToken.code, wrongToken.stderr]).toEqual([1, expect.stringContaining('Authorization: Bearer')]);
  });

  it('trusts a server through its certificate given as the CA file', async () => {
    const { s, url, certFile } = await httpsServer();
    const r = await runCli(['agent', 'token', 'create', '--ca-file', certFile], { home: tempHome(), env: { BERTH_AUTH_TOKEN: TOKEN, BERTH_SERVER_URL: url } });
    expect(r.code, r.stderr).toBe(0);
    expect(await tokens(s)).toBe(1);
  });
});
