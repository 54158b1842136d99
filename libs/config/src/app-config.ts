import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { EnvironmentVariables, LogLevel, NodeEnv, QueueBackendKind, SessionStoreKind } from './env.schema.js';
import { processEnv } from './process-env.js';
import { projectRoot } from './project-root.js';
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
  readonly redis: {
    readonly url: string | undefined;
    /** Prepended to every key we write, so several apps (or test files) can share one Redis. */
    readonly keyPrefix: string;
  };
  readonly session: {
    /** Newest first: the first signs, all verify, so secrets can be rotated without logging anyone out. */
    readonly secrets: readonly string[];
    readonly store: SessionStoreKind;
    /** Absolute path of the file store's directory. */
    readonly dir: string;
    readonly idleTtlMs: number;
    readonly absoluteTtlMs: number;
    /** `__Host-sid` in production (Secure, Path=/, no Domain are then enforced by browsers). */
    readonly cookieName: string;
    readonly secureCookie: boolean;
  };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
  // --- Queue, worker and mail (issue 4) ---
  readonly queue: {
    readonly backend: QueueBackendKind;
    /** BullMQ key prefix on Redis (REDIS_KEY_PREFIX + "bull"); the PostgreSQL backend uses its own schema. */
    readonly prefix: string;
    /** An enqueue that cannot reach the queue within this fails (the page gets a 503). */
    readonly enqueueTimeoutMs: number;
    readonly attempts: number;
    /** Completed jobs kept (newest first, at most a day old); 0: deleted as they complete. */
    readonly keepCompleted: number;
    /** First retry delay; each further retry doubles it. */
    readonly backoffMs: number;
  };
  readonly worker: {
    readonly concurrency: number;
    readonly shutdownGraceMs: number;
    /** A job whose worker stops renewing its lock for this long is taken over (stalled-job recovery). */
    readonly lockDurationMs: number;
    /** Readiness listener for an orchestrator; undefined: none. */
    readonly healthPort: number | undefined;
  };
  readonly mail: {
    /** undefined: no SMTP (development): mail is only written to the outbox. */
    readonly smtp:
      | { readonly url: string }
      | { readonly host: string; readonly port?: number; readonly secure?: boolean; readonly user?: string; readonly password?: string }
      | undefined;
    readonly timeoutMs: number;
    readonly from: string;
    readonly adminEmails: readonly string[];
    readonly errorMails: { readonly enabled: boolean; readonly windowMs: number };
    readonly outboxRetentionDays: number;
  };
  // --- end queue, worker and mail ---
  readonly auth: {
    readonly requireEmailConfirmation: boolean;
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerIp: number;
    readonly failureWindowSeconds: number;
    readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
    /** How many password hashes run at once in this process (see defaultHashConcurrency). */
    readonly hashConcurrency: number;
    readonly confirmTokenTtlMs: number;
    readonly resetTokenTtlMs: number;
    /** Accounts ensured at start; a seed without a password gets a generated one (printed once, development only). */
    readonly seeds: readonly { readonly role: 'admin' | 'dev' | 'user'; readonly email: string; readonly password?: string }[];
  };
}

/**
 * Argon2 runs on libuv's thread pool, which file I/O (the file session store, templates) shares.
 * One hash per core is what the machine can compute anyway: more at once only interleave 19 MiB
 * working sets on the same cores (measured 12% fewer verifications/s at 4 per core than at 1,
 * docs/benchmarks.md) and, with the pool's 4 threads all hashing, a login burst would stall every
 * file read behind it. availableParallelism() honours CPU affinity (taskset, cgroups' cpusets).
 */
export function defaultHashConcurrency(): number {
  const pool = Number(processEnv().UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
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
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    session: {
      secrets: splitList(env.SESSION_SECRET),
      store: env.SESSION_STORE ?? (env.REDIS_URL ? 'redis' : 'file'),
      dir: isAbsolute(env.SESSION_DIR) ? env.SESSION_DIR : join(projectRoot(), env.SESSION_DIR),
      idleTtlMs: env.SESSION_IDLE_TTL_SECONDS * 1000,
      absoluteTtlMs: env.SESSION_ABSOLUTE_TTL_SECONDS * 1000,
      cookieName: env.SESSION_COOKIE_NAME ?? (env.NODE_ENV === 'production' ? '__Host-sid' : 'sid'),
      secureCookie: env.NODE_ENV === 'production',
    },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    // --- Queue, worker and mail (issue 4) ---
    queue: {
      backend: env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres'),
      prefix: `${env.REDIS_KEY_PREFIX}bull`,
      enqueueTimeoutMs: env.QUEUE_ENQUEUE_TIMEOUT_MS,
      attempts: env.JOB_ATTEMPTS,
      keepCompleted: env.QUEUE_KEEP_COMPLETED,
      backoffMs: env.JOB_BACKOFF_MS,
    },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      healthPort: env.WORKER_HEALTH_PORT,
    },
    mail: {
      smtp: env.SMTP_URL
        ? { url: env.SMTP_URL }
        : env.SMTP_HOST
          ? { host: env.SMTP_HOST, port: env.SMTP_PORT, secure: env.SMTP_SECURE, user: env.SMTP_USER, password: env.SMTP_PASSWORD }
          : undefined,
      timeoutMs: env.SMTP_TIMEOUT_MS,
      from: env.MAIL_FROM,
      adminEmails: splitList(env.ADMIN_EMAILS ?? ''),
      errorMails: {
        enabled: env.ERROR_MAIL_ENABLED ?? (env.NODE_ENV === 'production' && Boolean(env.ADMIN_EMAILS)),
        windowMs: env.ERROR_MAIL_WINDOW_SECONDS * 1000,
      },
      outboxRetentionDays: env.OUTBOX_RETENTION_DAYS,
    },
    // --- end queue, worker and mail ---
    auth: {
      requireEmailConfirmation: env.AUTH_REQUIRE_EMAIL_CONFIRMATION,
      maxFailuresPerAccount: env.AUTH_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: env.AUTH_MAX_FAILURES_PER_IP,
      failureWindowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
      argon2: { memoryCost: env.AUTH_ARGON2_MEMORY_KIB, timeCost: env.AUTH_ARGON2_TIME_COST, parallelism: env.AUTH_ARGON2_PARALLELISM },
      hashConcurrency: env.AUTH_HASH_CONCURRENCY ?? defaultHashConcurrency(),
      confirmTokenTtlMs: env.AUTH_CONFIRM_TOKEN_TTL_HOURS * 3_600_000,
      resetTokenTtlMs: env.AUTH_RESET_TOKEN_TTL_MINUTES * 60_000,
      seeds: (
        [
          ['admin', env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD],
          ['dev', env.SEED_DEV_EMAIL, env.SEED_DEV_PASSWORD],
          ['user', env.SEED_USER_EMAIL, env.SEED_USER_PASSWORD],
        ] as const
      ).flatMap(([role, email, password]) => (email ? [{ role, email, password }] : [])),
    },
  };
}
