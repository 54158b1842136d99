import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const SESSION_KEY = 'csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/*
 * Two kinds of token, both compared in constant time on every state-changing request:
 * - a signed-in session (or any stored one) keeps a synchronizer token in its data (OWASP CSRF
 *   cheat sheet): one random token per session, put in every form;
 * - a visitor with no stored session (the login, register, forgot and reset forms) gets a token
 *   that needs no stored session: HMAC(secret, random value held in an HttpOnly, SameSite=Lax
 *   cookie), from `req.session.browserToken()` (@app/session-http). Showing a form to an
 *   anonymous visitor therefore writes nothing to the session store; the store is written at
 *   sign-in, which issues a new session id (fixation). A token is only good with the cookie of
 *   the browser it was issued to, and a signed-in session accepts only its own synchronizer token.
 * Written here rather than taken from csrf-sync or csurf: csurf is deprecated, csrf-sync compares
 * with `===` (not constant time) and types itself against express-session, which we do not use.
 */

/** The token for a form being rendered. */
export function csrfTokenFor(req: Request): string {
  const session = req.session;
  if (!session) {
    throw new Error('CSRF tokens need a session: is the session middleware mounted for this route?');
  }
  if (typeof session[SESSION_KEY] === 'string') {
    return session[SESSION_KEY];
  }
  if (session.userId === undefined) {
    const stateless = session.browserToken();
    if (stateless !== undefined) {
      return stateless;
    }
  }
  session[SESSION_KEY] = randomBytes(32).toString('base64url');
  return session[SESSION_KEY] as string;
}

export function isCsrfTokenValid(req: Request): boolean {
  const session = req.session;
  const body = req.body as Record<string, unknown> | undefined;
  const presented = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
  if (!session || typeof presented !== 'string') {
    return false;
  }
  const expected = session[SESSION_KEY];
  if (typeof expected === 'string') {
    const a = Buffer.from(expected);
    const b = Buffer.from(presented);
    if (a.length === b.length && timingSafeEqual(a, b)) {
      return true;
    }
  }
  return session.userId === undefined && session.isBrowserToken(presented);
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
