import { serialize as serializeCookie } from 'cookie';
import type { SessionLifetime } from '@app/session';
import { signBrowserBinding, signSessionId } from './signed-session-id.js';
import { serialize, type Session, STATE } from './session.js';

/** How one middleware writes its cookie. */
export interface SessionCookieSettings {
  cookieName: string;
  /** Newest first: the newest signs. */
  secrets: readonly string[];
  lifetime: SessionLifetime;
  now: () => number;
  cookieBase: { httpOnly: true; secure: boolean; sameSite: 'lax'; path: '/' };
}

/** The cookie the browser sent: its raw value (verified or not), and the id it verified to. */
export interface SentCookie {
  raw: string | undefined;
  verifiedId: string | undefined;
}

/** This browser's binding (signed-session-id.ts): the one it sent, or one issued by this request. */
export interface BrowserBinding {
  value: string;
  issued: boolean;
}

/**
 * The Set-Cookie value that brings the browser's cookie in line with the session as the
 * response goes out, or undefined when the cookie it holds is right already (most requests:
 * an unchanged id is not re-sent).
 */
export function sessionCookieUpdate(
  session: Session,
  sent: SentCookie,
  settings: SessionCookieSettings,
  binding?: BrowserBinding,
): string | undefined {
  const { cookieName, cookieBase, secrets, lifetime, now } = settings;
  const state = session[STATE];
  const persisted = !state.destroyed && (!state.isNew || serialize(session) !== '{}');
  if (persisted && (state.id !== sent.verifiedId || state.resign)) {
    // The cookie lives no longer than the session's absolute lifetime.
    const remainingMs = state.createdAt + lifetime.absoluteTtlMs - now();
    return serializeCookie(cookieName, signSessionId(state.id, secrets[0]), {
      ...cookieBase,
      maxAge: Math.max(0, Math.floor(remainingMs / 1000)),
    });
  }
  if (!persisted && !state.destroyed && binding) {
    // No stored session, but a form was shown: the cookie carries the binding its token is
    // derived from (nothing is stored). One the browser sent already is left as it is.
    if (!binding.issued) {
      return undefined;
    }
    return serializeCookie(cookieName, signBrowserBinding(binding.value, secrets[0]), {
      ...cookieBase,
      maxAge: Math.floor(lifetime.absoluteTtlMs / 1000),
    });
  }
  if (!persisted && sent.raw !== undefined) {
    // The browser holds a cookie for a session that is gone (or never was): drop it.
    return serializeCookie(cookieName, '', { ...cookieBase, maxAge: 0 });
  }
  return undefined;
}
