export { HttpSessionService } from './http-session.service.js';
export { SessionHttpModule, SessionMiddleware } from './session-http.module.js';
/** For tests that forge or replay cookies. */
export { signSessionId } from './signed-session-id.js';
