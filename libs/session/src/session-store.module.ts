import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS, RedisModule } from '@app/redis';
import type { Redis } from 'ioredis';
import { sessionLifetime } from './session-record.js';
import { SessionStore } from './session-store.port.js';
import { SessionService } from './session.service.js';
import { FileSessionStore } from './stores/file-session-store.js';
import { MeasuredSessionStore } from './stores/measured-session-store.js';
import { MemorySessionStore } from './stores/memory-session-store.js';
import { RedisSessionStore } from './stores/redis-session-store.js';

/** Picks the store named by config (SESSION_STORE, or redis when REDIS_URL is set, else file). */
export function sessionStoreFactory(config: AppConfig, redis: Redis | null): SessionStore {
  const lifetime = sessionLifetime(config.session);
  const kind = config.session.store;
  switch (kind) {
    case 'redis':
      if (!redis) {
        throw new Error('SESSION_STORE=redis needs REDIS_URL');
      }
      return new RedisSessionStore(redis, lifetime, config.redis.keyPrefix);
    case 'file':
      return new FileSessionStore({ dir: config.session.dir, lifetime, secrets: config.session.secrets });
    case 'memory':
      return new MemorySessionStore(lifetime);
    default: {
      const unknown: never = kind;
      throw new Error(`unknown session store ${String(unknown)}`);
    }
  }
}

/**
 * The store side of sessions, with no HTTP in it: the configured `SessionStore` and the
 * `SessionService` that lists and ends sessions. The api, the worker and the CLI import it;
 * only the api adds `SessionHttpModule` (cookie and middleware) on top.
 */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: SessionStore,
      inject: [AppConfig, REDIS],
      // Timed for the metrics (latency and errors by operation), whichever store it is, when
      // metrics are served at all.
      useFactory: (config: AppConfig, redis: Redis | null) => {
        const store = sessionStoreFactory(config, redis);
        return config.metrics.served ? new MeasuredSessionStore(store, config.session.store) : store;
      },
    },
    SessionService,
  ],
  exports: [SessionStore, SessionService],
})
export class SessionStoreModule {}
