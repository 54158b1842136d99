import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigValidationError } from './config-validation.error.js';
import { defaultsFor } from './env.defaults.js';
import { EnvironmentVariables } from './env.schema.js';

/** Words that mark a value copied from `.env.example` or a tutorial rather than generated. */
const PLACEHOLDER = /change[-_ ]?me|changeme|placeholder|example|secret123|development-only/i;
const MIN_PRODUCTION_SECRET_LENGTH = 32;

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    if (e.value === undefined) {
      return `${e.property} is required`;
    }
    // stopAtFirstError leaves one message per variable, already prefixed with its name.
    const message = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    return message.startsWith(e.property) ? message : `${e.property} ${message}`;
  });
}

function productionProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  const secrets = splitList(env.SESSION_SECRET ?? '');
  for (const [i, secret] of secrets.entries()) {
    if (secret.length < MIN_PRODUCTION_SECRET_LENGTH || PLACEHOLDER.test(secret)) {
      problems.push(
        `SESSION_SECRET entry ${i + 1} must be a generated secret of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production (try: openssl rand -base64 48)`,
      );
    }
  }
  if (env.SESSION_STORE === 'memory') {
    problems.push(
      'SESSION_STORE=memory is for unit tests only: sessions would vanish on restart and not be shared between processes (use redis or file)',
    );
  }
  if (env.APP_BASE_URL && !env.APP_BASE_URL.startsWith('https://')) {
    problems.push('APP_BASE_URL must use https:// in production');
  }
  // A seed account with a generated password nobody ever sees would be an admin no one controls.
  for (const role of ['ADMIN', 'DEV', 'USER'] as const) {
    if (env[`SEED_${role}_EMAIL`] && !env[`SEED_${role}_PASSWORD`]) {
      problems.push(`SEED_${role}_PASSWORD is required in production when SEED_${role}_EMAIL is set`);
    }
  }
  return problems;
}

// --- Queue, worker and mail (issue 4) ---
function mailProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (env.SMTP_URL && env.SMTP_HOST) {
    problems.push('set either SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_SECURE), not both');
  }
  if (!env.SMTP_HOST && [env.SMTP_PORT, env.SMTP_USER, env.SMTP_PASSWORD, env.SMTP_SECURE].some((v) => v !== undefined)) {
    problems.push('SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_SECURE need SMTP_HOST');
  }
  // Without SMTP the mail would only reach the outbox table: fine on a laptop, silent loss in production.
  if (env.NODE_ENV === 'production' && !env.SMTP_URL && !env.SMTP_HOST) {
    problems.push('SMTP_URL (or SMTP_HOST) is required in production: without it mail is only written to the outbox');
  }
  if (env.ERROR_MAIL_ENABLED === true && !env.ADMIN_EMAILS) {
    problems.push('ERROR_MAIL_ENABLED=true needs ADMIN_EMAILS');
  }
  if (env.QUEUE_BACKEND === 'redis' && !env.REDIS_URL) {
    problems.push('QUEUE_BACKEND=redis needs REDIS_URL');
  }
  const backend = env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres');
  if (backend === 'postgres' && env.QUEUE_KEEP_COMPLETED > 0) {
    // BullMQ 6.7's count retention on PostgreSQL deadlocks under concurrent workers (libs/queue).
    problems.push('QUEUE_KEEP_COMPLETED must be 0 with the queue on PostgreSQL (set REDIS_URL to keep completed jobs)');
  }
  return problems;
}
// --- end queue, worker and mail ---

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Turns raw strings (process.env merged with `.env`) into typed, checked variables.
 * Empty strings count as unset so that `FOO=` in a `.env` file falls back to the default.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const merged = { NODE_ENV: 'development', ...defaultsFor(given.NODE_ENV), ...given };
  const env = plainToInstance(EnvironmentVariables, merged, { excludeExtraneousValues: false });
  const problems = describe(validateSync(env, { skipMissingProperties: false, stopAtFirstError: true }));
  if (env.NODE_ENV === 'production') {
    problems.push(...productionProblems(env));
  }
  if (env.SESSION_STORE === 'redis' && !env.REDIS_URL) {
    problems.push('SESSION_STORE=redis needs REDIS_URL');
  }
  // --- Queue, worker and mail (issue 4) ---
  problems.push(...mailProblems(env));
  // --- end queue, worker and mail ---
  if (env.SESSION_ABSOLUTE_TTL_SECONDS < env.SESSION_IDLE_TTL_SECONDS) {
    problems.push('SESSION_ABSOLUTE_TTL_SECONDS must not be shorter than SESSION_IDLE_TTL_SECONDS');
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }
  return env;
}
