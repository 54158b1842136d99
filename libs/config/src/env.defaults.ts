import type { NodeEnv } from './env.schema.js';

/** Account policy: the same safe values everywhere; none of them names a service or a secret. */
const AUTH: Record<string, string> = {
  AUTH_REQUIRE_EMAIL_CONFIRMATION: 'true',
  AUTH_MAX_FAILURES_PER_ACCOUNT: '5',
  AUTH_MAX_FAILURES_PER_IP: '50',
  AUTH_FAILURE_WINDOW_SECONDS: '900',
  AUTH_ARGON2_MEMORY_KIB: '19456',
  AUTH_ARGON2_TIME_COST: '2',
  AUTH_ARGON2_PARALLELISM: '1',
  AUTH_CONFIRM_TOKEN_TTL_HOURS: '48',
  AUTH_RESET_TOKEN_TTL_MINUTES: '60',
};

// --- Queue, worker and mail (issue 4) ---
/** Tuning shared by every environment; none of it names a service or a secret. */
const QUEUE_MAIL: Record<string, string> = {
  QUEUE_ENQUEUE_TIMEOUT_MS: '2000',
  QUEUE_KEEP_COMPLETED: '0',
  JOB_ATTEMPTS: '5',
  JOB_BACKOFF_MS: '5000',
  WORKER_CONCURRENCY: '5',
  WORKER_SHUTDOWN_GRACE_MS: '25000',
  WORKER_LOCK_DURATION_MS: '30000',
  SMTP_TIMEOUT_MS: '10000',
  ERROR_MAIL_WINDOW_SECONDS: '3600',
  OUTBOX_RETENTION_DAYS: '90',
};
/** Local only: no SMTP (mail goes to the outbox table), a sender that cannot leak anywhere. */
const QUEUE_MAIL_LOCAL: Record<string, string> = {
  ...QUEUE_MAIL,
  MAIL_FROM: 'Nest Starter <no-reply@localhost>',
};
// --- end queue, worker and mail ---

/**
 * Defaults that make a fresh clone start against the local services without a `.env` file.
 * They match `.env.example`. Production gets no defaults for anything that names a service or
 * a secret: a forgotten variable must stop the app, not point it at localhost.
 */
const LOCAL: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '3000',
  APP_BASE_URL: 'http://localhost:3000',
  TRUST_PROXY_HOPS: '0',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/starter',
  DATABASE_POOL_SIZE: '10',
  DATABASE_RUN_MIGRATIONS: 'true',
  DATABASE_CONNECT_TIMEOUT_MS: '3000',
  DATABASE_STATEMENT_TIMEOUT_MS: '15000',
  SESSION_SECRET: 'development-only-session-secret-change-me',
  SESSION_DIR: '.data/sessions',
  SESSION_IDLE_TTL_SECONDS: '86400',
  SESSION_ABSOLUTE_TTL_SECONDS: '604800',
  REDIS_KEY_PREFIX: 'starter:',
  LOG_LEVEL: 'info',
  LOG_PRETTY: 'true',
  // Accounts: a fresh clone gets an admin (password generated and printed once).
  SEED_ADMIN_EMAIL: 'admin@example.com',
  ...AUTH,
  ...QUEUE_MAIL_LOCAL,
};

const PER_ENV: Record<NodeEnv, Record<string, string>> = {
  development: LOCAL,
  test: { ...LOCAL, LOG_LEVEL: 'warn', LOG_PRETTY: 'false' },
  production: {
    HOST: '0.0.0.0',
    PORT: '3000',
    TRUST_PROXY_HOPS: '0',
    DATABASE_POOL_SIZE: '10',
    DATABASE_RUN_MIGRATIONS: 'false',
    DATABASE_CONNECT_TIMEOUT_MS: '3000',
    DATABASE_STATEMENT_TIMEOUT_MS: '15000',
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    SESSION_DIR: '.data/sessions',
    SESSION_IDLE_TTL_SECONDS: '86400',
    SESSION_ABSOLUTE_TTL_SECONDS: '604800',
    REDIS_KEY_PREFIX: 'starter:',
    ...AUTH,
    // No SMTP and no MAIL_FROM default: a forgotten mail setting must stop the app.
    ...QUEUE_MAIL,
  },
};

export function defaultsFor(nodeEnv: string | undefined): Record<string, string> {
  return PER_ENV[(nodeEnv ?? 'development') as NodeEnv] ?? {};
}
