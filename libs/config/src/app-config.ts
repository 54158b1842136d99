import type { EnvironmentVariables } from './env.schema.js';
import { app, type AppInfoConfig } from './sections/app.js';
import { auth, type AuthConfig } from './sections/auth.js';
import { cache, type CacheConfig } from './sections/cache.js';
import { configSources, type ConfigSourcesConfig } from './sections/config-sources.js';
import { database, type DatabaseConfig } from './sections/database.js';
import { http, type HttpConfig } from './sections/http.js';
import { ldap, type LdapConfig } from './sections/ldap.js';
import { logging, type LogConfig } from './sections/logging.js';
import { mail, type MailConfig } from './sections/mail.js';
import { memory, type MemoryConfig } from './sections/memory.js';
import { metrics, type MetricsConfig } from './sections/metrics.js';
import { nodeEnv, type NodeEnv } from './sections/node-env.js';
import { queue, type QueueConfig } from './sections/queue.js';
import { redis, type RedisConfig } from './sections/redis.js';
import { session, type SessionConfig } from './sections/session.js';
import { worker, type WorkerConfig } from './sections/worker.js';

/**
 * The one typed configuration object, built once at boot and injected everywhere
 * (`constructor(private readonly config: AppConfig)`). Nothing else reads `process.env`.
 * Each part is documented in its section under `sections/`.
 */
export abstract class AppConfig {
  readonly env: NodeEnv;
  readonly isProduction: boolean;
  /** The product: APP_NAME (default: package.json's name, title-cased). */
  readonly app: AppInfoConfig;
  readonly http: HttpConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly session: SessionConfig;
  readonly cache: CacheConfig;
  readonly log: LogConfig;
  readonly queue: QueueConfig;
  readonly worker: WorkerConfig;
  readonly mail: MailConfig;
  readonly auth: AuthConfig;
  /** Prometheus: METRICS_PORT listener and/or token-guarded /metrics on the api. */
  readonly metrics: MetricsConfig;
  /** V8 heap tuning applied at boot (HEAP_GROWTH_PERCENT). */
  readonly memory: MemoryConfig;
  /** null: LDAP sign-in is off (AUTH_LDAP_URL unset). */
  readonly ldap: LdapConfig | null;
  /** Where configuration came from besides the environment and `.env` (see config-layers.ts). */
  readonly configSources: ConfigSourcesConfig;
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  return {
    ...nodeEnv.build(env),
    ...app.build(env),
    http: http.build(env),
    database: database.build(env),
    redis: redis.build(env),
    session: session.build(env),
    cache: cache.build(env),
    log: logging.build(env),
    queue: queue.build(env),
    worker: worker.build(env),
    mail: mail.build(env),
    auth: auth.build(env),
    metrics: metrics.build(env),
    memory: memory.build(env),
    ldap: ldap.build(env),
    configSources: configSources.build(env),
  };
}
