export { expiresAt, isExpired, parseRecord, type SessionLifetime, type SessionRecord } from './session-record.js';
export {
  assertValidSessionId,
  generateSessionId,
  InvalidSessionIdError,
  isValidSessionId,
  signSessionId,
  verifySignedSessionId,
} from './session-id.js';
export { SessionIdConflictError, SessionStore, type UserSession } from './session-store.port.js';
export { FileSessionStore, type FileSessionStoreOptions } from './stores/file-session-store.js';
export { MemorySessionStore } from './stores/memory-session-store.js';
export { RedisSessionStore } from './stores/redis-session-store.js';
export { createSessionMiddleware, type SessionMiddlewareOptions } from './session.middleware.js';
export { Session } from './session.js';
export { PasswordChangedEvent, SessionEvents, SessionsRevokedEvent, UserDisabledEvent, UserLoggedOutEvent } from './session.events.js';
export { SessionMiddleware, SessionModule, sessionStoreFactory } from './session.module.js';
export { SessionReaper } from './session-reaper.js';
export { SessionService, type FlashKind, type FlashMessage, type SessionSummary } from './session.service.js';
