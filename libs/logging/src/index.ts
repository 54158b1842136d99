export { LoggingModule, REDACTED_PATHS } from './logging.module.js';
export { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id.middleware.js';
