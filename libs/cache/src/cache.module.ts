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
 * when Redis was briefly away. Measured against both (bench/cache-libraries.mjs, docs/benchmarks.md
 * "Application cache"; 29 Nov 2026, two runs, load average 4.5-5.3 on 2 cores):
 * - Invalidation racing a reader (the computation read v1, then the key or namespace was
 *   invalidated): cache-manager 7 + @keyv/redis and bentocache (Redis L2; L1 + L2 + bus; tags)
 *   handed v1 to a caller arriving after the invalidation and stored it for every process until
 *   its TTL, in every run (20/20 each); this layer in none. Here every entry carries the
 *   generations it was computed under and the write is guarded on them (one Lua call).
 * - A second process: bentocache's L1 served the old value right after the other process's
 *   invalidation returned (10/10; the bus delivers later); with the bus (Redis pub/sub) down it
 *   keeps serving what it holds (by design; not measured). We keep no in-process copy.
 * - Namespace clear with 10k keys: under 1 ms here (one generation key moves), 61-64 ms
 *   cache-manager and 118-285 ms bentocache (SCAN of the whole db); bentocache's tags 0.2-0.3 ms.
 * - Speed, the price: cache-manager makes 1.4-1.5x this layer's get-or-compute calls/s (13-14 vs
 *   18-25 us of CPU per call: 1-2.5% of a signed-in page's api CPU); bentocache 0.4-0.8x, 0.2-0.3x
 *   with tags. Neither is both faster and correct, so correctness decided.
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
