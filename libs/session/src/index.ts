export { expiresAt, parseRecord, sessionLifetime, type SessionLifetime, type SessionRecord } from './session-record.js';
export { assertValidSessionId, generateSessionId, InvalidSessionIdError, isValidSessionId } from './session-id.js';
export { SessionIdConflictError, SessionStore, type UserSession } from './session-store.port.js';
export { FileSessionStore, type FileSessionStoreOptions } from './stores/file-session-store.js';
export { MemorySessionStore } from './stores/memory-session-store.js';
export { RedisSessionStore } from './stores/redis-session-store.js';
export { SessionStoreModule, sessionStoreFactory } from './session-store.module.js';
export { SessionService, type SessionSummary } from './session.service.js';
