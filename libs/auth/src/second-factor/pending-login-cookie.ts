import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import { csrfTokenFor } from '../csrf/csrf.js';
import { type PendingLogin, signPendingLogin, verifyPendingLogin } from './pending-login.js';

/** How long the code step may take after the password was accepted. */
export const PENDING_LOGIN_TTL_MS = 5 * 60_000;

/**
 * The pending-login cookie (pending-login.ts) on requests and responses. Named after the session
 * cookie (`sid-2fa`, `__Host-sid-2fa` in production), HttpOnly, SameSite=Strict: it is only ever
 * needed by our own login pages. It is bound to the browser through its CSRF form token, which
 * the anonymous login form already derives from the browser's signed cookie (no store write).
 */
@Injectable()
export class PendingLoginCookie {
  private readonly name: string;
  private readonly secrets: readonly string[];
  private readonly secure: boolean;

  constructor(config: AppConfig) {
    this.name = `${config.session.cookieName}-2fa`;
    this.secrets = config.session.secrets;
    this.secure = config.session.secureCookie;
  }

  /** After a good password: the browser holds the pending login for a few minutes. */
  issue(req: Request, res: Response, user: { id: string; authEpoch: number }, nowMs = Date.now()): void {
    const login: PendingLogin = { userId: user.id, authEpoch: user.authEpoch, expiresAt: nowMs + PENDING_LOGIN_TTL_MS };
    res.append('Set-Cookie', this.serialize(signPendingLogin(login, csrfTokenFor(req), this.secrets[0]), PENDING_LOGIN_TTL_MS / 1000));
  }

  /** The browser's pending login, or null (none, forged, another browser's, or expired). */
  read(req: Request, nowMs = Date.now()): PendingLogin | null {
    const header = req.headers.cookie;
    const value = header ? parse(header)[this.name] : undefined;
    return value ? verifyPendingLogin(value, csrfTokenFor(req), this.secrets, nowMs) : null;
  }

  clear(res: Response): void {
    res.append('Set-Cookie', this.serialize('', 0));
  }

  private serialize(value: string, maxAgeSeconds: number): string {
    return serialize(this.name, value, { httpOnly: true, secure: this.secure, sameSite: 'strict', path: '/', maxAge: maxAgeSeconds });
  }
}
