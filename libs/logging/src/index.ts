export { HTTP_LOG_SERIALIZERS, LoggingModule } from './logging.module.js';
export { requestIdMiddleware } from './request-id.middleware.js';
export { redactUrl, SECRET_QUERY_PARAMS } from './redact-url.js';
