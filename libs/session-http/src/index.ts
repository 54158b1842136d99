export { HttpSessionService, type FlashKind, type FlashMessage } from './http-session.service.js';
export { SessionHttpModule, SessionMiddleware } from './session-http.module.js';
export { Session } from './session.js';
/** For tests that forge or replay cookies. */
export { signSessionId } from './signed-session-id.js';
