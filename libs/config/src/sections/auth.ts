import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { availableParallelism } from 'node:os';
import { processEnv } from '../process-env.js';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { toBool, toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export class AuthVariables {
  /** Login is refused until the address is confirmed (the link in the welcome mail). */
  @Transform(toBool)
  @IsBoolean()
  AUTH_REQUIRE_EMAIL_CONFIRMATION: boolean;

  /**
   * Failed logins allowed in one window on an account from one client (an IP, or an IPv6 /64),
   * and from one client across accounts; then 429 for that client until the window ends.
   */
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

  /** Failed logins on an account from all clients together in one window: a ceiling for distributed guessing. */
  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL: number;

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

  /**
   * Password hashes allowed to wait for a turn at once, per process; beyond that a request that
   * needs one answers 503 with Retry-After instead of queueing. Unset: 4 x AUTH_HASH_CONCURRENCY.
   */
  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(10000)
  @IsInt()
  AUTH_HASH_QUEUE_LIMIT?: number;

  /**
   * Register, forgot-password, email change and the password re-checks (change password, email
   * change, sign out others): requests per action allowed in one window from one client (an IP,
   * or an IPv6 /64), then 429 with Retry-After for that client until the window ends.
   */
  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  AUTH_FORM_LIMIT_PER_IP: number;

  /** The same, per target: the address typed (register, forgot, email change) or the signed-in account. */
  @Transform(toInt)
  @Min(1)
  @Max(10000)
  @IsInt()
  AUTH_FORM_LIMIT_PER_TARGET: number;

  @Transform(toInt)
  @Min(1)
  @Max(86400)
  @IsInt()
  AUTH_FORM_LIMIT_WINDOW_SECONDS: number;

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

  /** Audit trail rows older than this are deleted by the worker's daily `audit.prune` job. */
  @Transform(toInt)
  @Min(1)
  @Max(36500)
  @IsInt()
  AUDIT_RETENTION_DAYS: number;

  /** Accounts created on first start if no user has the address yet ("email:password" optional part). */
  /**
   * Encrypts second-factor (TOTP) secrets at rest with AES-256-GCM: 32 random bytes, as 64 hex
   * digits or base64. A comma-separated list, newest first: the newest encrypts, every entry
   * decrypts, so the key can be rotated without anyone losing their second factor.
   */
  @Secret()
  @IsString()
  AUTH_TOTP_ENCRYPTION_KEY: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_ADMIN_EMAIL?: string;

  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_DEV_EMAIL?: string;

  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_DEV_PASSWORD?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  SEED_USER_EMAIL?: string;

  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  SEED_USER_PASSWORD?: string;
}

type SeedRole = 'admin' | 'dev' | 'user';

export interface AuthConfig {
  readonly requireEmailConfirmation: boolean;
  readonly maxFailuresPerAccount: number;
  readonly maxFailuresPerIp: number;
  readonly maxFailuresPerAccountGlobal: number;
  readonly failureWindowSeconds: number;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  /** How many password hashes run at once in this process (see defaultHashConcurrency). */
  readonly hashConcurrency: number;
  /** How many hashes may wait for the gate before requests are refused with a 503. */
  readonly hashQueueLimit: number;
  /** Rate limit of the mail-sending and password-checking forms (see FormRateLimit). */
  readonly formLimit: { readonly perIp: number; readonly perTarget: number; readonly windowSeconds: number };
  readonly confirmTokenTtlMs: number;
  readonly resetTokenTtlMs: number;
  /** AUDIT_RETENTION_DAYS: how long the audit trail keeps a row. */
  readonly auditRetentionDays: number;
  /** AES-256-GCM keys for TOTP secrets at rest, newest first (see totpKeysOf). */
  readonly totpKeys: readonly Buffer[];
  /** Accounts ensured at start; a seed without a password gets a generated one (printed once, development only). */
  readonly seeds: readonly { readonly role: SeedRole; readonly email: string; readonly password?: string }[];
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

type Env = AuthVariables & NodeEnvVariables;

/** The local default, refused in production like the local session secret. */
const DEVELOPMENT_TOTP_KEY = '646576656c6f706d656e742d6f6e6c792d746f74702d6b65792d6368616e6765';

/** Each entry of AUTH_TOTP_ENCRYPTION_KEY as 32 bytes, or null when one is not 64 hex digits or base64 of 32 bytes. */
export function totpKeysOf(value: string | undefined): Buffer[] | null {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  const keys = entries.map((entry) =>
    /^[0-9a-f]{64}$/i.test(entry) ? Buffer.from(entry, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(entry) ? Buffer.from(entry, 'base64') : null,
  );
  return keys.every((key) => key?.length === 32) ? (keys as Buffer[]) : null;
}

function totpKeyProblems(env: Env): string[] {
  if (env.AUTH_TOTP_ENCRYPTION_KEY === undefined) {
    return []; // reported as missing by the schema
  }
  if (!totpKeysOf(env.AUTH_TOTP_ENCRYPTION_KEY)) {
    return ['AUTH_TOTP_ENCRYPTION_KEY must be 32 random bytes as 64 hex digits or base64 (comma-separated, newest first; try: openssl rand -hex 32)'];
  }
  if (isProduction(env) && env.AUTH_TOTP_ENCRYPTION_KEY.split(',').some((entry) => entry.trim() === DEVELOPMENT_TOTP_KEY)) {
    return ['AUTH_TOTP_ENCRYPTION_KEY must not be the development key in production (try: openssl rand -hex 32)'];
  }
  return [];
}

const seedAccounts = (env: Env) =>
  (
    [
      ['admin', env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD],
      ['dev', env.SEED_DEV_EMAIL, env.SEED_DEV_PASSWORD],
      ['user', env.SEED_USER_EMAIL, env.SEED_USER_PASSWORD],
    ] as const
  ).flatMap(([role, email, password]) => (email ? [{ role, email, password }] : []));

/** Account policy: the same safe values everywhere; none of them names a service or a secret. */
const POLICY: Defaults<AuthVariables> = {
  AUTH_REQUIRE_EMAIL_CONFIRMATION: 'true',
  AUTH_MAX_FAILURES_PER_ACCOUNT: '5',
  AUTH_MAX_FAILURES_PER_IP: '50',
  AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL: '100',
  AUTH_FAILURE_WINDOW_SECONDS: '900',
  AUTH_FORM_LIMIT_PER_IP: '30',
  AUTH_FORM_LIMIT_PER_TARGET: '5',
  AUTH_FORM_LIMIT_WINDOW_SECONDS: '900',
  AUTH_ARGON2_MEMORY_KIB: '19456',
  AUTH_ARGON2_TIME_COST: '2',
  AUTH_ARGON2_PARALLELISM: '1',
  AUTH_CONFIRM_TOKEN_TTL_HOURS: '48',
  AUTH_RESET_TOKEN_TTL_MINUTES: '60',
  AUDIT_RETENTION_DAYS: '365',
};
// A fresh clone gets an admin (password generated and printed once).
const LOCAL: Defaults<AuthVariables> = { ...POLICY, SEED_ADMIN_EMAIL: 'admin@example.com', AUTH_TOTP_ENCRYPTION_KEY: DEVELOPMENT_TOTP_KEY };

export const auth = defineSection({
  schema: AuthVariables,
  defaults: { development: LOCAL, test: LOCAL, production: POLICY },
  requiredInProduction: ['AUTH_TOTP_ENCRYPTION_KEY'],
  // A seed account with a generated password nobody ever sees would be an admin no one controls.
  check: (env: Env) => [
    ...totpKeyProblems(env),
    ...(isProduction(env)
      ? seedAccounts(env)
          .filter((seed) => !seed.password)
          .map(({ role }) => {
            const name = `SEED_${role.toUpperCase()}`;
            return `${name}_PASSWORD is required in production when ${name}_EMAIL is set`;
          })
      : []),
  ],
  build: (env: Env): AuthConfig => ({
    requireEmailConfirmation: env.AUTH_REQUIRE_EMAIL_CONFIRMATION,
    maxFailuresPerAccount: env.AUTH_MAX_FAILURES_PER_ACCOUNT,
    maxFailuresPerIp: env.AUTH_MAX_FAILURES_PER_IP,
    maxFailuresPerAccountGlobal: env.AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL,
    failureWindowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
    argon2: { memoryCost: env.AUTH_ARGON2_MEMORY_KIB, timeCost: env.AUTH_ARGON2_TIME_COST, parallelism: env.AUTH_ARGON2_PARALLELISM },
    hashConcurrency: env.AUTH_HASH_CONCURRENCY ?? defaultHashConcurrency(),
    hashQueueLimit: env.AUTH_HASH_QUEUE_LIMIT ?? 4 * (env.AUTH_HASH_CONCURRENCY ?? defaultHashConcurrency()),
    formLimit: { perIp: env.AUTH_FORM_LIMIT_PER_IP, perTarget: env.AUTH_FORM_LIMIT_PER_TARGET, windowSeconds: env.AUTH_FORM_LIMIT_WINDOW_SECONDS },
    confirmTokenTtlMs: env.AUTH_CONFIRM_TOKEN_TTL_HOURS * 3_600_000,
    resetTokenTtlMs: env.AUTH_RESET_TOKEN_TTL_MINUTES * 60_000,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    totpKeys: totpKeysOf(env.AUTH_TOTP_ENCRYPTION_KEY) ?? [],
    seeds: seedAccounts(env),
  }),
});
