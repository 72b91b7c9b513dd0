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

/** `n` distinct free loopback ports: every socket is held until all are picked, so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve));
    }
    return servers.map((srv) => (srv.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  }
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
    // Each port the file listens on becomes its own free loopback port (the same one wherever it is repeated).
    const LISTEN = /^(\s*listen\s+)(\d+)\b/gm;
    const given = [...new Set([...text.matchAll(LISTEN)].map((m) => m[2]!))];
    const free = await freePorts(given.length);
    const port = new Map(given.map((p, i) => [p, free[i]!]));
    text = text.replace(LISTEN, (_, lead: string, p: string) => `${lead}127.0.0.1:${port.get(p)}`);
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, text);
    const r = await run(nginx, ['-t', '-q', '-c', file, '-p', `${dir}/`, '-e', path.join(dir, 'startup-error.log')]);
    return { ...r, config: text };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
