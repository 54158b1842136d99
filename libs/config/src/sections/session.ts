import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { isAbsolute, join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { splitList, toInt } from './parse.js';
import type { RedisVariables } from './redis.js';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export const SESSION_STORES = ['redis', 'file', 'memory'] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];

export class SessionVariables {
  @Secret()
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

  @Transform(toInt)
  @Min(1)
  @Max(10000)
  @IsInt()
  SESSION_MAX_PER_USER: number;
}

export interface SessionConfig {
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
  /** At most this many sessions per user; signing in beyond it ends the oldest. */
  readonly maxPerUser: number;
}

type Env = SessionVariables & Pick<RedisVariables, 'REDIS_URL'> & NodeEnvVariables;

const sessionSecrets = (env: Env) => splitList(env.SESSION_SECRET ?? '');
const sessionStore = (env: Env): SessionStoreKind => env.SESSION_STORE ?? (env.REDIS_URL ? 'redis' : 'file');

/** Words that mark a value copied from `.env.example` or a tutorial rather than generated. */
const PLACEHOLDER = /change[-_ ]?me|changeme|placeholder|example|secret123|development-only/i;
const MIN_PRODUCTION_SECRET_LENGTH = 32;

function check(env: Env): string[] {
  const problems: string[] = [];
  if (isProduction(env)) {
    for (const [i, secret] of sessionSecrets(env).entries()) {
      if (secret.length < MIN_PRODUCTION_SECRET_LENGTH || PLACEHOLDER.test(secret)) {
        problems.push(
          `SESSION_SECRET entry ${i + 1} must be a generated secret of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production (try: openssl rand -base64 48)`,
        );
      }
    }
    if (env.SESSION_COOKIE_NAME !== undefined && !env.SESSION_COOKIE_NAME.startsWith('__Host-')) {
      problems.push(
        `SESSION_COOKIE_NAME must start with __Host- in production (e.g. __Host-sid): without the prefix a sibling subdomain or plain-http page can set or shadow the session cookie`,
      );
    }
    if (sessionStore(env) === 'memory') {
      problems.push(
        'SESSION_STORE=memory is for unit tests only: sessions would vanish on restart and not be shared between processes (use redis or file)',
      );
    }
  }
  if (sessionStore(env) === 'redis' && !env.REDIS_URL) {
    problems.push('SESSION_STORE=redis needs REDIS_URL');
  }
  if (env.SESSION_ABSOLUTE_TTL_SECONDS < env.SESSION_IDLE_TTL_SECONDS) {
    problems.push('SESSION_ABSOLUTE_TTL_SECONDS must not be shorter than SESSION_IDLE_TTL_SECONDS');
  }
  return problems;
}

const LIFETIMES: Defaults<SessionVariables> = {
  SESSION_DIR: '.data/sessions',
  SESSION_IDLE_TTL_SECONDS: '86400',
  SESSION_ABSOLUTE_TTL_SECONDS: '604800',
  SESSION_MAX_PER_USER: '20',
};
// The local secret is a placeholder on purpose: the production check above refuses it.
const LOCAL: Defaults<SessionVariables> = { ...LIFETIMES, SESSION_SECRET: 'development-only-session-secret-change-me' };

export const session = defineSection({
  schema: SessionVariables,
  defaults: { development: LOCAL, test: LOCAL, production: LIFETIMES },
  requiredInProduction: ['SESSION_SECRET'],
  check,
  build: (env: Env): SessionConfig => ({
    secrets: sessionSecrets(env),
    store: sessionStore(env),
    dir: isAbsolute(env.SESSION_DIR) ? env.SESSION_DIR : join(projectRoot(), env.SESSION_DIR),
    idleTtlMs: env.SESSION_IDLE_TTL_SECONDS * 1000,
    absoluteTtlMs: env.SESSION_ABSOLUTE_TTL_SECONDS * 1000,
    cookieName: env.SESSION_COOKIE_NAME ?? (isProduction(env) ? '__Host-sid' : 'sid'),
    secureCookie: isProduction(env),
    maxPerUser: env.SESSION_MAX_PER_USER,
  }),
});
