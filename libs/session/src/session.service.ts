import { Injectable } from '@nestjs/common';
import { SessionStore } from './session-store.port.js';

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip?: string;
  userAgent?: string;
  /** The session the list was requested from. */
  current: boolean;
}

/**
 * The one way other code ends or lists sessions (accounts, admin, the CLI, the worker); nothing
 * else reaches the store. Calls are awaited by the service that changes the account, so the
 * sessions are gone before the response (or command) that caused it completes. The request-bound
 * side (sign-in, logout, flash messages) lives in `@app/session-http`.
 */
@Injectable()
export class SessionService {
  constructor(private readonly store: SessionStore) {}

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

  /**
   * Ends every session of the user but `exceptSessionId` (password change, "sign out others",
   * disabling, an admin's revoke); resolves with how many ended.
   */
  revokeAllForUser(userId: string, exceptSessionId?: string): Promise<number> {
    return this.store.destroyByUser(userId, exceptSessionId);
  }

  /**
   * Caps the user's sessions at `max` counting `keepSessionId` (the one just signed in): the
   * oldest sign-ins beyond it end first. Resolves with how many ended.
   */
  async endOldestBeyond(userId: string, max: number, keepSessionId: string): Promise<number> {
    const others = (await this.store.listByUser(userId)).filter(({ id }) => id !== keepSessionId);
    const excess = others.length - Math.max(0, max - 1);
    if (excess <= 0) {
      return 0;
    }
    const oldest = others.sort((a, b) => a.record.createdAt - b.record.createdAt).slice(0, excess);
    await Promise.all(oldest.map(({ id }) => this.store.destroy(id)));
    return oldest.length;
  }

  /** Removes expired records where the backend keeps them (see `SessionStore.reapExpired`). */
  reapExpired(): Promise<number> {
    return this.store.reapExpired();
  }
}
