/**
 * `nginx -t` on a rendered nginx.conf outside its container. Only what depends on
 * the machine is rewritten: container paths (certs, pid, logs, temp dirs) point
 * into a temp dir, and listen ports become free loopback ports, because nginx -t
 * binds its listeners (80/443 need root and may be taken). Routes, TLS settings,
 * rate limits and the resolver are tested as rendered.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run, type RunResult } from './_tools.js';
import { TLS_DIR } from '../../src/catalog/nginx.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway self-signed EC certificate (the bundle's test certificate is not a real PEM). */
export async function makeCerts(openssl: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const r = await run(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt'),
  ]);
  if (r.code !== 0) throw new Error(`openssl req failed (${r.code}): ${r.stderr}`);
}

export async function nginxTest(nginx: string, conf: string, certDir: string): Promise<RunResult & { config: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-nginx-'));
  try {
    let text = conf
      .split(`${TLS_DIR}/`).join(`${certDir}/`)
      .replace(/^pid \/var\/run\/nginx\.pid;$/m, `pid ${dir}/nginx.pid;`)
      .replace(/\/dev\/stderr/g, `${dir}/error.log`)
      .replace(/\/dev\/stdout/g, `${dir}/access.log`)
      .replace(
        /^http \{$/m,
        `http {\n    client_body_temp_path ${dir}/body;\n    proxy_temp_path ${dir}/proxy;\n    fastcgi_temp_path ${dir}/fastcgi;\n    uwsgi_temp_path ${dir}/uwsgi;\n    scgi_temp_path ${dir}/scgi;`,
      );
    if (!text.includes(`pid ${dir}/nginx.pid;`)) throw new Error('nginx.conf has no `pid /var/run/nginx.pid;` line to redirect');
    const LISTEN = /^(\s*listen\s+)\d+\b/gm;
    const ports: number[] = [];
    for (let n = (text.match(LISTEN) ?? []).length; n > 0; n--) ports.push(await freePort());
    text = text.replace(LISTEN, (_, lead: string) => `${lead}127.0.0.1:${ports.shift()}`);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, text);
    const r = await run(nginx, ['-t', '-q', '-c', file, '-p', `${dir}/`, '-e', path.join(dir, 'startup-error.log')]);
    return { ...r, config: text };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
