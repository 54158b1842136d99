import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SessionService } from '@app/session';
import type { Request, Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { STATE, type Session } from './session.js';

export type FlashKind = 'success' | 'info' | 'warning' | 'danger';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

const FLASH_KEY = 'flash';
const MAX_FLASH = 10;

function sessionOf(req: Request): Session {
  if (!req.session) {
    // Routes without the middleware (health, /api) have no session by design.
    throw new Error('no session on this route: is the session middleware mounted for it?');
  }
  return req.session;
}

/**
 * The browser's side of its session, bound to one request: sign-in and sign-out, the current
 * id, flash messages. Ending other sessions (or anyone's) is `SessionService` in `@app/session`.
 */
@Injectable()
export class HttpSessionService {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
  ) {}

  /**
   * An opaque name for a session in pages and forms ("sign out that device"): an HMAC of the id
   * under the newest session secret, so the HTML never carries a live session id and a raw id
   * posted back names nothing.
   */
  handleOf(sessionId: string): string {
    return createHmac('sha256', this.config.session.secrets[0]).update(`session-handle\0${sessionId}`).digest('base64url');
  }

  /** The one of `ids` whose handle is `handle` (compared in constant time), if any. */
  idForHandle(handle: unknown, ids: readonly string[]): string | undefined {
    if (typeof handle !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(handle)) {
      return undefined;
    }
    const wanted = Buffer.from(handle);
    return ids.find((id) => timingSafeEqual(Buffer.from(this.handleOf(id)), wanted));
  }

  /**
   * Binds the session to a user after authentication: regenerates the id (fixation), stores the
   * user id (which indexes the session) and the auth epoch the accounts code compares against.
   */
  async signIn(req: Request, userId: string, authEpoch: number): Promise<void> {
    await sessionOf(req).regenerateWith({ userId, authEpoch });
    // SESSION_MAX_PER_USER: the oldest sign-ins beyond the cap end now (req.session is the new one).
    await this.sessions.endOldestBeyond(userId, this.config.session.maxPerUser, sessionOf(req).id);
  }

  /**
   * Ends the current session: the record is deleted (not emptied), the cookie cleared, and the
   * browser told to drop its cache, cookies and storage for this site.
   */
  async destroy(req: Request, res: Response): Promise<void> {
    await sessionOf(req).destroy();
    res.setHeader('Clear-Site-Data', '"cache", "cookies", "storage"');
  }

  currentId(req: Request): string | undefined {
    const session = req.session;
    return session && !session[STATE].isNew ? session.id : undefined;
  }

  /** Queues a message for the next rendered page (post/redirect/get). */
  flash(req: Request, kind: FlashKind, text: string): void {
    const session = sessionOf(req);
    const queue = Array.isArray(session[FLASH_KEY]) ? (session[FLASH_KEY] as FlashMessage[]) : [];
    session[FLASH_KEY] = [...queue, { kind, text }].slice(-MAX_FLASH);
  }

  /** Returns and forgets the queued messages. */
  consumeFlash(req: Request): FlashMessage[] {
    const session = req.session;
    if (!session || !Array.isArray(session[FLASH_KEY])) {
      return [];
    }
    const messages = session[FLASH_KEY] as FlashMessage[];
    delete session[FLASH_KEY];
    return messages;
  }
}
