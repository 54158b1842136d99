import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUserId } from '../users/user-id.js';

/*
 * Between the password and the code, nothing is stored: the browser holds a short-lived cookie
 * `<userId>.<authEpoch>.<expiresAt>.<mac>`, MAC = HMAC-SHA256(session secret, all of that plus
 * the browser's form token), in a domain of its own ("pending-login") so it can never pass for a
 * session id, a browser binding or a form token. So:
 * - it names the user whose password was checked, and cannot be altered to name another;
 * - it is good only in the browser it was issued to: its form token (derived from that browser's
 *   own signed cookie) is part of the MAC, and the code form must carry that token anyway;
 * - it stops working at `expiresAt` (a few minutes), and when the user's auth epoch moves (a
 *   password change or reset, disabling the account) — the code step compares it with the row;
 * - it is cleared when the code is accepted, and the session signed in under a new id.
 * Anonymous visitors therefore still cause no session-store write (docs/security.md).
 */
export interface PendingLogin {
  userId: string;
  authEpoch: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const MAX_LENGTH = 200;

function mac(login: PendingLogin, binding: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`pending-login\0${login.userId}\0${login.authEpoch}\0${login.expiresAt}\0${binding}`)
    .digest('base64url');
}

/** The cookie value, signed with the newest secret. */
export function signPendingLogin(login: PendingLogin, binding: string, secret: string): string {
  return `${login.userId}.${login.authEpoch}.${login.expiresAt}.${mac(login, binding, secret)}`;
}

/** The pending login, or null: malformed, forged, for another browser, or expired at `nowMs`. */
export function verifyPendingLogin(value: unknown, binding: string, secrets: readonly string[], nowMs: number): PendingLogin | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) {
    return null;
  }
  const [userId, epoch, expires, given, ...rest] = value.split('.');
  if (rest.length > 0 || !isUserId(userId) || !/^\d{1,9}$/.test(epoch ?? '') || !/^\d{1,15}$/.test(expires ?? '') || !given) {
    return null;
  }
  const login: PendingLogin = { userId, authEpoch: Number(epoch), expiresAt: Number(expires) };
  if (login.expiresAt <= nowMs) {
    return null;
  }
  const presented = Buffer.from(given);
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(mac(login, binding, secret));
    ok = (presented.length === expected.length && timingSafeEqual(presented, expected)) || ok;
  }
  return ok ? login : null;
}
