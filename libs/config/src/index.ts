export { AppConfig, defaultHashConcurrency, toAppConfig } from './app-config.js';
export { AppConfigModule, type AppConfigOptions } from './app-config.module.js';
export { ConfigValidationError } from './config-validation.error.js';
export {
  EnvironmentVariables,
  LOG_LEVELS,
  NODE_ENVS,
  SESSION_STORES,
  type LogLevel,
  type NodeEnv,
  type SessionStoreKind,
} from './env.schema.js';
export { processEnv } from './process-env.js';
export { projectRoot } from './project-root.js';
export { splitList, validateEnv } from './validate-env.js';
export { QUEUE_BACKENDS, type QueueBackendKind } from './env.schema.js';
