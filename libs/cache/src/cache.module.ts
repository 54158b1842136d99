import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS, RedisModule } from '@app/redis';
import type { Redis } from 'ioredis';
import { CacheBackend } from './cache-backend.port.js';
import { Cache } from './cache.js';
import { FileCacheBackend } from './backends/file-cache-backend.js';
import { MemoryCacheBackend } from './backends/memory-cache-backend.js';
import { RedisCacheBackend } from './backends/redis-cache-backend.js';

/** The backend named by config (CACHE_STORE, or redis when REDIS_URL is set, else file); null for none. */
export function cacheBackendFactory(config: AppConfig, redis: Redis | null): CacheBackend | null {
  const kind = config.cache.store;
  switch (kind) {
    case 'redis':
      if (!redis) {
        throw new Error('CACHE_STORE=redis needs REDIS_URL');
      }
      return new RedisCacheBackend(redis);
    case 'file':
      return new FileCacheBackend({ dir: config.cache.dir, maxBytes: config.cache.fileMaxBytes });
    case 'memory':
      return new MemoryCacheBackend();
    case 'none':
      return null;
    default: {
      const unknown: never = kind;
      throw new Error(`unknown cache store ${String(unknown)}`);
    }
  }
}

@Injectable()
class CacheLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CacheBackend) private readonly backend: CacheBackend | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.backend?.close();
  }
}

/**
 * The application cache (`Cache`, see cache.ts for its guarantees), over the same backends as
 * sessions: Redis when REDIS_URL is set (keys under REDIS_KEY_PREFIX, on the process's shared
 * connection), files under CACHE_DIR otherwise, memory in unit tests, or none.
 *
 * Why our own thin layer rather than `@nestjs/cache-manager` + Keyv or `bentocache`: its first
 * user is security data (a signed-in user's roles, disabled flag and auth epoch), and the bar is
 * that no request after an invalidation is answered from the old state, on any process, even
 * when Redis was briefly away. Neither library meets it as shipped, so the decision rests on
 * that, not on speed; the benchmark (bench/cache.mjs, docs/benchmarks.md "Application cache")
 * measures what this layer gains over PostgreSQL alone. What decided it:
 * - Invalidation racing a reader. cache-manager's `wrap` and bentocache's `getOrSet` store
 *   whatever the computation returns; one that read PostgreSQL just before an admin disabled the
 *   user stores the old row just after the invalidation, and it is served until its TTL. Here
 *   every entry carries the generations it was computed under and the write is guarded on them
 *   (one Lua call), so that store does not happen.
 * - Namespaces. Keyv's Redis store clears a namespace by scanning its keys; here a namespace is
 *   invalidated by moving one generation key, O(1) whatever its size.
 * - An in-process tier (bentocache's L1) is only as fresh as its invalidation bus: when the bus
 *   (Redis pub/sub) is down, L1 keeps serving what it holds (its grace periods serve stale on
 *   purpose). We keep no in-process copy; a Redis hit costs one MGET on the connection the
 *   sessions already use, which measured enough.
 * - Files. keyv-file keeps every key in one JSON file; bentocache's file driver writes a key's
 *   file in place (no temp file + rename) and prunes only expired files (no size bound).
 * - Redis down. Here a failure is a miss, logged once per outage and counted (`Cache.stats()`,
 *   cache_outages_total), and the first act on recovery is to invalidate every namespace this
 *   process uses, so an invalidation lost in the outage cannot surface afterwards.
 * The cost: about 700 lines (half of them comments) we maintain, and one conformance suite that
 * every backend runs (libs/cache/test/cache.conformance.ts).
 */
@Module({
  imports: [RedisModule],
  providers: [
    { provide: CacheBackend, inject: [AppConfig, REDIS], useFactory: cacheBackendFactory },
    {
      provide: Cache,
      inject: [AppConfig, CacheBackend, REDIS],
      useFactory: (config: AppConfig, backend: CacheBackend | null, redis: Redis | null) => {
        const cache = new Cache(backend, config.redis.keyPrefix);
        if (backend?.kind === 'redis' && redis) {
          // A lost connection is an outage even if no request noticed it: this process then
          // trusts nothing it did not re-validate (see Cache). 'reconnecting', not 'close': a
          // connection closed on purpose at shutdown does not reconnect.
          redis.on('reconnecting', () => cache.distrust('connection to Redis lost'));
        }
        return cache;
      },
    },
    CacheLifecycle,
  ],
  exports: [Cache],
})
export class CacheModule {}
