/**
 * Self-signed certificates for nginx `tls: self-signed`: made once, then kept
 * across regenerations like secrets (the key file is mode 0600, never printed),
 * until the server names change, expiry nears, or --rotate-secrets.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
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

export interface KeptCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** Made now (none was kept, it was for other names, or it was about to expire). */
  made: boolean;
}

/**
 * A self-signed certificate kept in `dir` (tls.crt, tls.key at mode 0600) for
 * a server berth runs itself: the kept one while it is for the same names and
 * more than 30 days from expiry, else a new one, written before it is used.
 */
export async function keptServerCert(dir: string, hosts: string[], make: CertMaker = selfSignedCert): Promise<KeptCert> {
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const cert = read(certFile);
  const key = read(keyFile);
  const kept = cert && key ? certHosts(cert) : undefined;
  if (cert && key && kept && kept.length === hosts.length && hosts.every((h) => kept.includes(h))) return { cert, key, certFile, keyFile, made: false };
  const made = await make(hosts);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomic(keyFile, made.key, 0o600);
  writeAtomic(certFile, made.cert, 0o644);
  return { ...made, certFile, keyFile, made: true };
}

/** A reader never sees half a file: written aside, then renamed over. */
function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}
