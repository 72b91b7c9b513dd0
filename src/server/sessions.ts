/**
 * Dashboard sessions. Logging in with the API token makes a random session
 * id; the cookie holds that id and its HMAC under BERTH_SECRET_KEY (signed by
 * @fastify/cookie), nothing else. The server keeps the session (by a hash of
 * the id) with an absolute expiry, so logging out or expiring ends it for
 * good, whatever the browser still holds. Every change a page asks for
 * carries the session's CSRF token (an HMAC of the id under the same key) in
 * a form field or a header; a cross-site page can read neither.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from '../store/records/sessions.js';
import { tokenMatches } from './auth.js';

export interface Session {
  /** The hash of the session id, as the records keep it. */
  id: string;
  who: string;
  expiresAt: string;
  /** What every change made from a page must carry. */
  csrf: string;
}

export interface SessionOptions {
  store: SessionStore;
  /** BERTH_SECRET_KEY. */
  key: string;
  /** Served over TLS: the cookie is Secure (and __Host-, so no other path or subdomain may set it). */
  secure: boolean;
  /** How long a session lasts from login (default 12 hours). */
  ttlMs?: number;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard session the request came with, once checked. */
    berthSession: Session | null;
  }
}

export const SESSION_TTL_MS = 12 * 3600_000;
/** The form field (or the x-csrf-token header) that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';
/** 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (sid: string) => createHash('sha256').update(sid).digest('hex');

export class Sessions {
  readonly cookie: string;
  readonly ttlMs: number;
  constructor(private readonly o: SessionOptions) {
    this.cookie = o.secure ? '__Host-berth_session' : 'berth_session';
    this.ttlMs = o.ttlMs ?? SESSION_TTL_MS;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private csrfOf(sid: string): string {
    return createHmac('sha256', this.o.key).update(`csrf:${sid}`).digest('base64url');
  }

  /** The live session of this request's cookie, or null (none, forged, ended or expired). */
  async of(req: FastifyRequest): Promise<Session | null> {
    const signed = req.cookies[this.cookie];
    if (!signed) return null;
    const { valid, value } = req.unsignCookie(signed);
    if (!valid || !value || !SESSION_ID.test(value)) return null;
    const r = await this.o.store.get(hashOf(value), new Date(this.now()).toISOString());
    return r ? { id: r.id, who: r.who, expiresAt: r.expiresAt, csrf: this.csrfOf(value) } : null;
  }

  /** Whether a session is still live (an open event stream asks now and then). */
  async live(s: Session): Promise<boolean> {
    return !!(await this.o.store.get(s.id, new Date(this.now()).toISOString()));
  }

  /** A new session for whoever logged in, and its cookie on the reply; expired sessions are cleared on the way. */
  async start(reply: FastifyReply, who: string): Promise<void> {
    const now = this.now();
    await this.o.store.deleteExpired(new Date(now).toISOString());
    const sid = randomBytes(32).toString('base64url');
    await this.o.store.create({ id: hashOf(sid), who, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + this.ttlMs).toISOString() });
    reply.setCookie(this.cookie, sid, { signed: true, httpOnly: true, secure: this.o.secure, sameSite: 'strict', path: '/', maxAge: Math.floor(this.ttlMs / 1000) });
  }

  /** Ends the request's session on the server and asks the browser to forget the cookie. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.berthSession) await this.o.store.delete(req.berthSession.id);
    reply.clearCookie(this.cookie, { httpOnly: true, secure: this.o.secure, sameSite: 'strict', path: '/' });
  }

  /** Whether a change carries its session's CSRF token (header or form field). */
  csrfMatches(req: FastifyRequest, s: Session): boolean {
    const header = req.headers['x-csrf-token'];
    const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    const given = typeof header === 'string' ? header : typeof field === 'string' ? field : '';
    return given !== '' && tokenMatches(given, s.csrf);
  }
}
