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
 *
 * `acceptLoopback` (development only): the api listens on 127.0.0.1 while APP_BASE_URL says
 * localhost, and a new user opens whichever the log or their habit suggests; both are this
 * server. So an Origin naming a loopback host on the port this request actually arrived on is
 * ours too. Another port on the same machine is another site, as the browser sees it.
 */
export function isSameOriginRequest(req: Request, ownOrigin: string, acceptLoopback = false): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return false;
  }
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null' && origin !== ownOrigin && !(acceptLoopback && isLoopbackOrigin(origin, req.socket?.localPort))) {
    return false;
  }
  return origin !== 'null';
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** `http://localhost:<port>`, `http://127.0.0.1:<port>` or `http://[::1]:<port>`, exactly (Origin carries no path). */
export function isLoopbackOrigin(origin: string, port: number | undefined): boolean {
  if (port === undefined) {
    return false;
  }
  const suffix = port === 80 ? '' : `:${port}`;
  return LOOPBACK_HOSTS.some((host) => origin === `http://${host}${suffix}`);
}
