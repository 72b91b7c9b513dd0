/**
 * The dashboard's one script and one stylesheet, served by the server itself
 * (nothing is fetched from anywhere else). They sit next to this module in
 * the source, and in dist/assets/ once built (the build copies them), which
 * is the same relative place from the bundle's chunks.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

interface Asset {
  body: Buffer;
  etag: string;
}

function load(file: string): Asset {
  const body = fs.readFileSync(new URL(`./assets/${file}`, import.meta.url));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

export function registerAssets(app: FastifyInstance): void {
  const cache = new Map<string, Asset>();
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, async (req, reply) => {
    const type = TYPES[req.params.file];
    if (!type) return reply.callNotFound();
    let a = cache.get(req.params.file);
    if (!a) cache.set(req.params.file, (a = load(req.params.file)));
    reply.headers({ 'content-type': type, etag: a.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.send(a.body);
  });
}
