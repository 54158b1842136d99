import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const SESSION_KEY = 'csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/*
 * Synchronizer token pattern (OWASP CSRF cheat sheet): one random token per session, put in
 * every form and compared on every state-changing request. Written here rather than taken from
 * csrf-sync or csurf: csurf is deprecated, csrf-sync compares with `===` (not constant time) and
 * types itself against express-session, which we do not use. This is twenty lines.
 */

/** The session's token, created on first use (a form being rendered). */
export function csrfTokenFor(req: Request): string {
  const session = req.session;
  if (!session) {
    throw new Error('CSRF tokens need a session: is the session middleware mounted for this route?');
  }
  if (typeof session[SESSION_KEY] !== 'string') {
    session[SESSION_KEY] = randomBytes(32).toString('base64url');
  }
  return session[SESSION_KEY] as string;
}

export function isCsrfTokenValid(req: Request): boolean {
  const expected = req.session?.[SESSION_KEY];
  const body = req.body as Record<string, unknown> | undefined;
  const presented = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
  if (typeof expected !== 'string' || typeof presented !== 'string') {
    return false;
  }
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Defence in depth beside the token: a browser tells us where a request comes from. A
 * cross-site `Sec-Fetch-Site`, or an `Origin` other than our own, is refused even with a token.
 * Clients that send neither header (curl, old browsers) rely on the token alone.
 */
export function isSameOriginRequest(req: Request, ownOrigin: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return false;
  }
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null' && origin !== ownOrigin) {
    return false;
  }
  return origin !== 'null';
}
