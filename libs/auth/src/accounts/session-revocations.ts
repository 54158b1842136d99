import { Injectable } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { SessionService } from '@app/session';

/**
 * Ending a user's sessions, with its audit row. Sessions live outside PostgreSQL, so there is no
 * transaction to share: they end first, then the row is written; if the write fails the request
 * answers 503 with the sessions already ended (a revocation is a safety measure: it is not held
 * back because the trail is down, and the 503 says the trail missed it).
 */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
  ) {}

  /** Ends every session of the user but `keepSessionId`; how many ended. `actor`: when nobody is signed in (a reset link). */
  async endAll(userId: string, keepSessionId?: string, actor?: { id: string }): Promise<number> {
    const count = await this.sessions.revokeAllForUser(userId, keepSessionId);
    const scope = keepSessionId === undefined ? 'all' : 'others';
    await this.audit.record({ action: 'sessions.revoked', actor, target: { type: 'user', id: userId }, details: { scope, count } });
    return count;
  }

  /** The member's "sign out this session" (one of their own); false if it is not theirs or gone. */
  async revokeOne(userId: string, sessionId: string): Promise<boolean> {
    const revoked = await this.sessions.revoke(userId, sessionId);
    if (revoked) {
      await this.audit.record({ action: 'sessions.revoked', target: { type: 'user', id: userId }, details: { scope: 'one', count: 1 } });
    }
    return revoked;
  }

  /** After a sign-out destroyed its session (nothing to record for an anonymous one). */
  async recordSignOut(userId: string | undefined): Promise<void> {
    if (userId !== undefined) {
      await this.audit.record({ action: 'auth.sign-out', target: { type: 'user', id: userId } });
    }
  }
}
