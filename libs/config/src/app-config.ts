import type { EnvironmentVariables, LogLevel, NodeEnv } from './env.schema.js';
import { splitList } from './validate-env.js';

/**
 * The one typed configuration object, built once at boot and injected everywhere
 * (`constructor(private readonly config: AppConfig)`). Nothing else reads `process.env`.
 */
export abstract class AppConfig {
  readonly env: NodeEnv;
  readonly isProduction: boolean;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Public origin used for links in mails and redirects; never derived from the Host header. */
    readonly baseUrl: string;
    /** How many reverse proxies in front of us may set X-Forwarded-For (Express `trust proxy`). */
    readonly trustProxyHops: number;
  };
  readonly database: {
    readonly url: string;
    readonly poolSize: number;
    readonly runMigrations: boolean;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
  };
  readonly redis: { readonly url: string | undefined };
  readonly session: {
    /** Newest first: the first signs, all verify, so secrets can be rotated without logging anyone out. */
    readonly secrets: readonly string[];
  };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    http: {
      host: env.HOST,
      port: env.PORT,
      baseUrl: env.APP_BASE_URL.replace(/\/+$/, ''),
      trustProxyHops: env.TRUST_PROXY_HOPS,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      runMigrations: env.DATABASE_RUN_MIGRATIONS,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    redis: { url: env.REDIS_URL },
    session: { secrets: splitList(env.SESSION_SECRET) },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
  };
}
