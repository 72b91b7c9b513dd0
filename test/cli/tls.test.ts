/** Self-signed certificates: kept like secrets, remade when the names change or on --rotate-secrets. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MemoryEngine } from '../helpers/engine.js';
import { newHome } from './_util.js';

const spec = (serverName: string) => `services:\n  app: {component: app, image: acme/app:1}\n  nginx: {serverName: "${serverName}"}\n`;

describe('self-signed certificates', () => {
  it('are kept across regenerations, remade for new names or --rotate-secrets', async () => {
    const home = newHome();
    const file = path.join(home, 'stack.yaml');
    const certOf = () => fs.readFileSync(path.join(home, 'stacks', 'web', 'nginx', 'certs', 'tls.crt'), 'utf8');
    const gen = async (...extra: string[]) => {
      const r = await runCli(['generate', 'web', '-f', file, ...extra], { home, engine: new MemoryEngine() });
      expect(r.code, r.stderr).toBe(0);
    };
    fs.writeFileSync(file, spec('example.com'));
    await gen();
    const first = certOf();
    expect(new X509Certificate(first).subjectAltName).toBe('DNS:example.com, DNS:localhost, IP Address:127.0.0.1');
    expect(fs.statSync(path.join(home, 'stacks', 'web', 'nginx', 'certs', 'tls.key')).mode & 0o777).toBe(0o600);

    await gen();
    expect(certOf()).toBe(first);

    fs.writeFileSync(file, spec('example.org www.example.org'));
    await gen();
    const renamed = certOf();
    expect(new X509Certificate(renamed).subjectAltName).toBe('DNS:example.org, DNS:www.example.org, DNS:localhost, IP Address:127.0.0.1');

    await gen('--rotate-secrets');
    expect(certOf()).not.toBe(renamed);
  });
});
