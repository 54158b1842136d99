import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const SESSION_STORES = ['redis', 'file', 'memory'] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];

// --- Queue, worker and mail (issue 4) ---
export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;
export type QueueBackendKind = (typeof QUEUE_BACKENDS)[number];
// --- end queue, worker and mail ---

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Strings from the environment become numbers and booleans here, explicitly: class-transformer's
 * implicit conversion turns "false" into `true` and "abc" into `NaN`, which would hide typos.
 * Anything we cannot parse is passed through unchanged so the validator reports it by name.
 */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') {
    return value;
  }
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(v)) {
    return false;
  }
  return value;
};

/** Every variable the apps read. `.env.example` documents each one. */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv;

  @IsString()
  HOST: string;

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt()
  PORT: number;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  APP_BASE_URL: string;

  @Transform(toInt)
  @Min(0)
  @Max(10)
  @IsInt()
  TRUST_PROXY_HOPS: number;

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL: string;

  @Transform(toInt)
  @Min(1)
  @Max(200)
  @IsInt()
  DATABASE_POOL_SIZE: number;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS: boolean;

  @Transform(toInt)
  @Min(100)
  @Max(60000)
  @IsInt()
  DATABASE_CONNECT_TIMEOUT_MS: number;

  @Transform(toInt)
  @Min(100)
  @Max(600000)
  @IsInt()
  DATABASE_STATEMENT_TIMEOUT_MS: number;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters (comma-separated list, newest first)' })
  SESSION_SECRET: string;

  /** Unset: derived (redis when REDIS_URL is set, file otherwise). */
  @IsOptional()
  @IsIn(SESSION_STORES)
  SESSION_STORE?: SessionStoreKind;

  @IsString()
  SESSION_DIR: string;

  @Transform(toInt)
  @Min(60)
  @Max(31536000)
  @IsInt()
  SESSION_IDLE_TTL_SECONDS: number;

  @Transform(toInt)
  @Min(60)
  @Max(31536000)
  @IsInt()
  SESSION_ABSOLUTE_TTL_SECONDS: number;

  @IsOptional()
  @Matches(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, { message: 'must be a valid cookie name' })
  SESSION_COOKIE_NAME?: string;

  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, { message: 'may only contain letters, digits and : _ . -' })
  REDIS_KEY_PREFIX: string;

  // --- Accounts (libs/auth) -------------------------------------------------------------

  /** Login is refused until the address is confirmed (the link in the welcome mail). */
  @Transform(toBool)
  @IsBoolean()
  AUTH_REQUIRE_EMAIL_CONFIRMATION: boolean;

  /** Failed logins allowed per account, and per client IP, in one window; then 429 until it ends. */
  @Transform(toInt)
  @Min(1)
  @Max(1000)
  @IsInt()
  AUTH_MAX_FAILURES_PER_ACCOUNT: number;

  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  AUTH_MAX_FAILURES_PER_IP: number;

  @Transform(toInt)
  @Min(1)
  @Max(86400)
  @IsInt()
  AUTH_FAILURE_WINDOW_SECONDS: number;

  /** Argon2id cost. The floor is OWASP's minimum (19 MiB, 2 passes, 1 lane); raising it rehashes on login. */
  @Transform(toInt)
  @Min(19456)
  @Max(4194304)
  @IsInt()
  AUTH_ARGON2_MEMORY_KIB: number;

  @Transform(toInt)
  @Min(2)
  @Max(20)
  @IsInt()
  AUTH_ARGON2_TIME_COST: number;

  @Transform(toInt)
  @Min(1)
  @Max(16)
  @IsInt()
  AUTH_ARGON2_PARALLELISM: number;

  /**
   * Password hashes computed at once, per process (the rest wait their turn). Unset: one per
   * core this process may run on, leaving at least one libuv thread free for file I/O.
   */
  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(64)
  @IsInt()
  AUTH_HASH_CONCURRENCY?: number;

  @Transform(toInt)
  @Min(1)
  @Max(720)
  @IsInt()
  AUTH_CONFIRM_TOKEN_TTL_HOURS: number;

  @Transform(toInt)
  @Min(5)
  @Max(1440)
  @IsInt()
  AUTH_RESET_TOKEN_TTL_MINUTES: number;

  /** Accounts created on first start if no user has the address yet ("email:password" optional part). */
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_DEV_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_DEV_PASSWORD?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_USER_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_USER_PASSWORD?: string;

  // --- Queue, worker and mail (issue 4) -------------------------------------------------
  /** Unset: derived (redis when REDIS_URL is set, postgres on DATABASE_URL otherwise). */
  @IsOptional()
  @IsIn(QUEUE_BACKENDS)
  QUEUE_BACKEND?: QueueBackendKind;

  @Transform(toInt)
  @Min(100)
  @Max(30000)
  @IsInt()
  QUEUE_ENQUEUE_TIMEOUT_MS: number;

  /**
   * Completed jobs kept for inspection (the newest N, at most a day old); 0 deletes each job as
   * it completes. Keeping them costs a trim on every completion (measured: docs/benchmarks.md).
   */
  @Transform(toInt)
  @Min(0)
  @Max(100000)
  @IsInt()
  QUEUE_KEEP_COMPLETED: number;

  @Transform(toInt)
  @Min(1)
  @Max(50)
  @IsInt()
  JOB_ATTEMPTS: number;

  @Transform(toInt)
  @Min(10)
  @Max(3600000)
  @IsInt()
  JOB_BACKOFF_MS: number;

  @Transform(toInt)
  @Min(1)
  @Max(500)
  @IsInt()
  WORKER_CONCURRENCY: number;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  WORKER_SHUTDOWN_GRACE_MS: number;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  WORKER_LOCK_DURATION_MS: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  WORKER_HEALTH_PORT?: number;

  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  SMTP_HOST?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  SMTP_PORT?: number;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SMTP_SECURE?: boolean;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  SMTP_TIMEOUT_MS: number;

  /** `address@example.org` or `Display Name <address@example.org>`. */
  @Matches(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    message: 'must be an address, optionally with a display name: "Name <no-reply@example.org>"',
  })
  MAIL_FROM: string;

  /** Comma-separated; they receive error reports (the Flask starter's ADMINS). */
  @IsOptional()
  @Matches(/^\s*[\w.%+-]+@[\w.-]+(\s*,\s*[\w.%+-]+@[\w.-]+)*\s*$/, { message: 'must be a comma-separated list of email addresses' })
  ADMIN_EMAILS?: string;

  /** Unset: on in production when ADMIN_EMAILS is set, off otherwise. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  ERROR_MAIL_ENABLED?: boolean;

  @Transform(toInt)
  @Min(1)
  @Max(604800)
  @IsInt()
  ERROR_MAIL_WINDOW_SECONDS: number;

  @Transform(toInt)
  @Min(1)
  @Max(3650)
  @IsInt()
  OUTBOX_RETENTION_DAYS: number;
  // --- end queue, worker and mail -------------------------------------------------------

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel;

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY: boolean;
}
