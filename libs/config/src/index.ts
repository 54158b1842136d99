export { AppConfig, toAppConfig } from './app-config.js';
export { AppConfigModule, type AppConfigOptions } from './app-config.module.js';
export { ConfigValidationError } from './config-validation.error.js';
export type { EnvironmentVariables } from './env.schema.js';
export {
  describeDatabaseUrl,
  EMBEDDED_DATA_DIR,
  prepareEnvironment,
  type EmbeddedDatabase,
  type PreparedEnvironment,
  type PrepareEnvironmentOptions,
} from './prepare-environment.js';
export { processEnv } from './process-env.js';
export { projectRoot } from './project-root.js';
export { defaultHashConcurrency } from './sections/auth.js';
export { type LdapConfig, normalizeDn } from './sections/ldap.js';
export { LOG_LEVELS, type LogLevel } from './sections/logging.js';
export { NODE_ENVS, type NodeEnv } from './sections/node-env.js';
export { splitList } from './sections/parse.js';
export { QUEUE_BACKENDS, type QueueBackendKind } from './sections/queue.js';
export { CACHE_STORES, type CacheStoreKind } from './sections/cache.js';
export { SESSION_STORES, type SessionStoreKind } from './sections/session.js';
export { validateEnv } from './validate-env.js';
export { configVariableNames } from './variable-names.js';
