/**
 * Events other modules emit (with `EventEmitter2.emitAsync`, awaited, so the sessions are gone
 * before the response that caused them is sent) and the SessionModule acts on.
 */
export const SessionEvents = {
  /** A user logged out of one session: destroy that record. */
  UserLoggedOut: 'session.user-logged-out',
  /** Password changed or reset: end every other session of the user. */
  PasswordChanged: 'session.password-changed',
  /** Account disabled or deleted: end all of the user's sessions. */
  UserDisabled: 'session.user-disabled',
  /** "Log out my other sessions" or an admin's revoke-all. */
  SessionsRevoked: 'session.sessions-revoked',
} as const;

export class UserLoggedOutEvent {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
  ) {}
}

export class PasswordChangedEvent {
  /** @param keepSessionId the session the change was made from, if it should survive */
  constructor(
    readonly userId: string,
    readonly keepSessionId?: string,
  ) {}
}

export class UserDisabledEvent {
  constructor(readonly userId: string) {}
}

export class SessionsRevokedEvent {
  constructor(
    readonly userId: string,
    readonly keepSessionId?: string,
  ) {}
}
