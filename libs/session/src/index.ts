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
