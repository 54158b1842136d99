import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
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
  /**
   * Binds the session to a user after authentication: regenerates the id (fixation), stores the
   * user id (which indexes the session) and the auth epoch the accounts code compares against.
   */
  async signIn(req: Request, userId: string, authEpoch: number): Promise<void> {
    await sessionOf(req).regenerateWith({ userId, authEpoch });
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
