import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SessionStore } from './session-store.port.js';
import { PasswordChangedEvent, SessionEvents, SessionsRevokedEvent, UserDisabledEvent, UserLoggedOutEvent } from './session.events.js';

/**
 * Ends sessions when the accounts code says so. Errors propagate (`suppressErrors: false`) to
 * the emitter's `emitAsync`, so a failed revocation fails the request instead of passing silently.
 */
@Injectable()
export class SessionEventsListener {
  constructor(private readonly store: SessionStore) {}

  @OnEvent(SessionEvents.UserLoggedOut, { suppressErrors: false })
  async onLoggedOut(event: UserLoggedOutEvent): Promise<void> {
    await this.store.destroy(event.sessionId);
  }

  @OnEvent(SessionEvents.PasswordChanged, { suppressErrors: false })
  async onPasswordChanged(event: PasswordChangedEvent): Promise<void> {
    await this.store.destroyByUser(event.userId, event.keepSessionId);
  }

  @OnEvent(SessionEvents.UserDisabled, { suppressErrors: false })
  async onDisabled(event: UserDisabledEvent): Promise<void> {
    await this.store.destroyByUser(event.userId);
  }

  @OnEvent(SessionEvents.SessionsRevoked, { suppressErrors: false })
  async onRevoked(event: SessionsRevokedEvent): Promise<void> {
    await this.store.destroyByUser(event.userId, event.keepSessionId);
  }
}
