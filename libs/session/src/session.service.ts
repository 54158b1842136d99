import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionStore } from './session-store.port.js';
import { STATE, type Session } from './session.js';

export type FlashKind = 'success' | 'info' | 'warning' | 'danger';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip?: string;
  userAgent?: string;
  /** The session the list was requested from. */
  current: boolean;
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
 * What other modules use for sessions; they never reach the store directly. Request-bound
 * methods act on `req.session`; user-wide ones go through the store's per-user index.
 */
@Injectable()
export class SessionService {
  constructor(private readonly store: SessionStore) {}

  /**
   * New id, old record destroyed. With `keepData` the data moves to the new id (privilege
   * change); without it the new session starts empty (login).
   */
  async regenerate(req: Request, options: { keepData?: boolean } = {}): Promise<void> {
    await sessionOf(req).regenerateWith(options.keepData ? { ...sessionOf(req) } : {});
  }

  /**
   * Binds the session to a user after authentication: regenerates the id (fixation), stores the
   * user id (which indexes the session) and the auth epoch the accounts code compares against.
   */
  async signIn(req: Request, userId: string, authEpoch: number): Promise<void> {
    await sessionOf(req).regenerateWith({ userId, authEpoch });
  }

  /**
   * Ends the current session: the record is deleted (not emptied), the cookie cleared, and the
   * browser told to drop cookies and storage for this site.
   */
  async destroy(req: Request, res: Response): Promise<void> {
    await sessionOf(req).destroy();
    res.setHeader('Clear-Site-Data', '"cookies", "storage"');
  }

  currentId(req: Request): string | undefined {
    const session = req.session;
    return session && !session[STATE].isNew ? session.id : undefined;
  }

  async listForUser(userId: string, currentSessionId?: string): Promise<SessionSummary[]> {
    const sessions = await this.store.listByUser(userId);
    return sessions
      .map(({ id, record }) => ({
        id,
        createdAt: new Date(record.createdAt),
        lastSeenAt: new Date(record.lastSeenAt),
        ip: record.ip,
        userAgent: record.userAgent,
        current: id === currentSessionId,
      }))
      .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  /** Ends one of the user's sessions; false if it is not theirs (or already gone). */
  async revoke(userId: string, sessionId: string): Promise<boolean> {
    const record = await this.store.get(sessionId);
    if (!record || record.userId !== userId) {
      return false;
    }
    await this.store.destroy(sessionId);
    return true;
  }

  revokeAllForUser(userId: string, exceptSessionId?: string): Promise<number> {
    return this.store.destroyByUser(userId, exceptSessionId);
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
