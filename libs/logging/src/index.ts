export { LoggingModule } from './logging.module.js';
export { requestIdMiddleware } from './request-id.middleware.js';
