export { sessionLifetime, type SessionLifetime, type SessionRecord } from './session-record.js';
export { generateSessionId, isValidSessionId } from './session-id.js';
export { SessionStore } from './session-store.port.js';
export { FileSessionStore } from './stores/file-session-store.js';
export { MemorySessionStore } from './stores/memory-session-store.js';
export { SessionStoreModule, sessionStoreFactory } from './session-store.module.js';
export { SessionService, type SessionSummary } from './session.service.js';
