import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { isAbsolute, join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { toInt } from './parse.js';
import type { RedisVariables } from './redis.js';
import { defineSection, type Defaults } from './section.js';

export const CACHE_STORES = ['redis', 'file', 'memory', 'none'] as const;
export type CacheStoreKind = (typeof CACHE_STORES)[number];

export class CacheVariables {
  /** Unset: derived like sessions (redis when REDIS_URL is set, file otherwise). */
  @IsOptional()
  @IsIn(CACHE_STORES)
  CACHE_STORE?: CacheStoreKind;

  @IsString()
  CACHE_DIR: string;

  @Transform(toInt)
  @Min(1)
  @Max(100000)
  @IsInt()
  CACHE_FILE_MAX_MB: number;

  @Transform(toInt)
  @Min(1)
  @Max(86400)
  @IsInt()
  CACHE_USER_TTL_SECONDS: number;
}

export interface CacheConfig {
  readonly store: CacheStoreKind;
  /** Absolute path of the file backend's directory. */
  readonly dir: string;
  readonly fileMaxBytes: number;
  /** How long a signed-in user's state (roles, disabled, epoch) may be served from the cache. */
  readonly userTtlMs: number;
}

type Env = CacheVariables & Pick<RedisVariables, 'REDIS_URL'> & NodeEnvVariables;

const cacheStore = (env: Env): CacheStoreKind => env.CACHE_STORE ?? (env.REDIS_URL ? 'redis' : 'file');

function check(env: Env): string[] {
  const problems: string[] = [];
  if (cacheStore(env) === 'redis' && !env.REDIS_URL) {
    problems.push('CACHE_STORE=redis needs REDIS_URL');
  }
  if (isProduction(env) && cacheStore(env) === 'memory') {
    problems.push(
      'CACHE_STORE=memory is for unit tests only: each process would keep its own copy and miss the others\' invalidations (use redis, file or none)',
    );
  }
  return problems;
}

const ALL: Defaults<CacheVariables> = { CACHE_DIR: '.data/cache', CACHE_FILE_MAX_MB: '64', CACHE_USER_TTL_SECONDS: '300' };

export const cache = defineSection({
  schema: CacheVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  check,
  build: (env: Env): CacheConfig => ({
    store: cacheStore(env),
    dir: isAbsolute(env.CACHE_DIR) ? env.CACHE_DIR : join(projectRoot(), env.CACHE_DIR),
    fileMaxBytes: env.CACHE_FILE_MAX_MB * 1024 * 1024,
    userTtlMs: env.CACHE_USER_TTL_SECONDS * 1000,
  }),
});
