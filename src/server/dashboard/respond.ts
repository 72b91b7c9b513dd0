/**
 * How the dashboard answers: pages and parts as HTML with headers that keep
 * them from being framed, sniffed or made to run anything but the server's
 * own script; errors as a page, a part or JSON, whichever the asker takes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpError } from '../http-errors.js';
import { html, type SafeHtml } from './html.js';
import { page, type PageFrame } from './layout.js';

/** Only the server's own script, styles and connections; no frames, no plugins, forms only to itself. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendHtml(reply: FastifyReply, body: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    })
    .send(body.text);
}

/** A script's fetch asks for JSON; a browser's navigation for HTML. */
export const wantsJson = (req: FastifyRequest) => /application\/json/.test(req.headers.accept ?? '') && !/text\/html/.test(req.headers.accept ?? '');

export function errorPage(f: Omit<PageFrame, 'title' | 'section'>, h: HttpError): SafeHtml {
  const title = h.status === 404 ? 'Not found' : h.status === 503 ? 'Not available' : 'Something went wrong';
  return page({ ...f, title }, html`<h1>${title}</h1>
<p class="notice" role="alert">${h.body.error.message}</p>
<p><a href="/stacks">Back to the stacks</a></p>`);
}

/** An error as the asker takes it: JSON for a script, a line for a live part, else a page. */
export function sendError(req: FastifyRequest, reply: FastifyReply, h: HttpError, frame: Omit<PageFrame, 'title' | 'section'>): FastifyReply {
  if (wantsJson(req)) return reply.code(h.status).send(h.body);
  if (req.url.startsWith('/parts/')) return sendHtml(reply, html`<p class="notice" role="alert">${h.body.error.message}</p>`, h.status);
  return sendHtml(reply, errorPage(frame, h), h.status);
}
