import { IsOptional, Matches } from 'class-validator';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export class RedisVariables {
  /** Unset: no Redis; sessions and the queue then choose their other backend. */
  @Secret()
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, { message: 'may only contain letters, digits and : _ . -' })
  REDIS_KEY_PREFIX: string;
}

export interface RedisConfig {
  readonly url: string | undefined;
  /** Prepended to every key we write, so several apps (or test files) can share one Redis. */
  readonly keyPrefix: string;
}

const ALL: Defaults<RedisVariables> = { REDIS_KEY_PREFIX: 'starter:' };

export const redis = defineSection({
  schema: RedisVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  build: (env: RedisVariables): RedisConfig => ({ url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX }),
});
