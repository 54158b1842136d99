import type { Redis } from 'ioredis';
import { CacheBackend, type WriteGuard } from '../cache-backend.port.js';

/**
 * A guarded SET in one step: the value is written only if every guard key holds its expected
 * value (an empty string in ARGV stands for "absent"). KEYS[1] is the target, KEYS[2..] the guards.
 */
const GUARDED_SET = `
for i = 2, #KEYS do
  local current = redis.call('GET', KEYS[i])
  local expected = ARGV[i + 1]
  if expected == '' then
    if current then return 0 end
  elseif current ~= expected then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** The client once `defineCommand` has added the script (ioredis types cannot know it). */
interface WithGuardedSet {
  cacheGuardedSet(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

/**
 * On the process's shared request-path connection (libs/redis: fails fast when Redis is down,
 * which the cache turns into misses). Keys arrive already prefixed with REDIS_KEY_PREFIX. Every
 * key has a TTL, so Redis memory is bounded by what was written within the longest TTL (a day);
 * the operator's `maxmemory` policy is the hard bound.
 */
export class RedisCacheBackend extends CacheBackend {
  readonly kind = 'redis';

  constructor(private readonly redis: Redis) {
    super();
    // Sent once per connection, then called by its SHA (ioredis falls back to EVAL on NOSCRIPT).
    if (!('cacheGuardedSet' in redis)) {
      redis.defineCommand('cacheGuardedSet', { lua: GUARDED_SET });
    }
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.redis.mget(...keys);
  }

  async set(key: string, value: string, ttlMs: number, guards: readonly WriteGuard[] = []): Promise<void> {
    if (guards.length === 0) {
      await this.redis.set(key, value, 'PX', ttlMs);
      return;
    }
    // Generations are random tokens, never empty, so '' can stand for "must be absent".
    await (this.redis as unknown as WithGuardedSet).cacheGuardedSet(
      1 + guards.length,
      key,
      ...guards.map((g) => g.key),
      value,
      ttlMs,
      ...guards.map((g) => g.expected ?? ''),
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) {
      await this.redis.del(...keys);
    }
  }
}
