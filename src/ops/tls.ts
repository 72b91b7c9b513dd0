/**
 * Self-signed certificates for nginx `tls: self-signed`: made once, then kept
 * across regenerations like secrets (the key file is mode 0600, never printed),
 * until the server names change, expiry nears, or --rotate-secrets.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigFile } from '../model/files.js';
import type { ResolvedStack } from '../model/stack.js';

type Generate = (attrs: { name: string; value: string }[], opts: unknown) => Promise<{ cert: string; private: string }>;

export type CertMaker = (hosts: string[]) => Promise<{ cert: string; key: string }>;

export const selfSignedCert: CertMaker = async (hosts) => {
  // CommonJS module: its exports arrive as the default export once bundled.
  const mod = (await import('selfsigned')) as unknown as { generate?: Generate; default?: { generate: Generate } };
  const generate = (mod.generate ?? mod.default?.generate)!;
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate);
  notAfterDate.setFullYear(notAfterDate.getFullYear() + 2);
  const altNames = hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
};

/** The names a certificate is for, as in CertMaker's hosts (DNS names and IPs). */
function certHosts(pem: string): string[] | undefined {
  try {
    const x = new X509Certificate(pem);
    if (Date.parse(x.validTo) - Date.now() < RENEW_BEFORE_MS) return undefined;
    return (x.subjectAltName ?? '').split(', ').map((n) => n.replace(/^(DNS|IP Address):/, '')).filter(Boolean);
  } catch {
    return undefined;
  }
}

/** A kept certificate is remade this long before it expires. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/**
 * Cert files for every nginx with self-signed TLS: the stack's existing ones
 * while they are for the same names and not about to expire (and not rotated),
 * else new ones.
 */
export async function tlsMaterials(stack: ResolvedStack, oldDir: string | undefined, make: CertMaker, rotate = false): Promise<ConfigFile[]> {
  const out: ConfigFile[] = [];
  for (const s of stack.services) {
    if (s.config?.kind !== 'nginx' || s.config.tls !== 'self-signed') continue;
    const dir = `${s.config.dir}/certs`;
    const read = (f: string) => {
      try {
        return oldDir ? fs.readFileSync(path.join(oldDir, dir, f), 'utf8') : undefined;
      } catch {
        return undefined;
      }
    };
    const names = (s.config.serverName ?? '_').split(' ').filter((n) => n !== '_' && !n.includes('*'));
    const hosts = [...names, 'localhost', '127.0.0.1'];
    let cert = read('tls.crt');
    let key = read('tls.key');
    const kept = cert && key && !rotate ? certHosts(cert) : undefined;
    if (!kept || kept.length !== hosts.length || hosts.some((h) => !kept.includes(h))) ({ cert, key } = await make(hosts));
    // Readable by nginx's master (root); the key is still no one else's business.
    out.push({ path: `${dir}/tls.crt`, content: cert!, consumers: [s.name] }, { path: `${dir}/tls.key`, content: key!, mode: 0o600, consumers: [s.name] });
  }
  return out;
}
