import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { ReadinessCheck } from '@app/health';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { createRedisConnection, waitUntilReady } from './redis-connection.js';

/** The shared ioredis connection, or `null` when REDIS_URL is not set. */
export const REDIS = Symbol('REDIS');
export const REDIS_READINESS = Symbol('REDIS_READINESS');

/** Connections we are closing on purpose: their 'close' is a shutdown, not an outage to report. */
const closing = new WeakSet<Redis>();

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) {
      return;
    }
    closing.add(this.redis);
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

/**
 * One Redis connection per process for request-path work (sessions, rate limits). The job queue
 * opens its own connections, because BullMQ workers need blocking commands and different retry
 * settings.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<Redis | null> => {
        if (!config.redis.url) {
          return null;
        }
        const client = createRedisConnection(config.redis.url);
        const logger = new Logger('Redis');
        let wasReady = false;
        client.on('ready', () => {
          if (wasReady) {
            logger.log('reconnected');
          }
          wasReady = true;
        });
        client.on('close', () => wasReady && !closing.has(client) && logger.warn('connection lost; reconnecting'));
        if (!(await waitUntilReady(client))) {
          logger.warn(`not reachable at start (${client.status}); requests that need it get 503 until it is`);
        }
        return client;
      },
    },
    {
      provide: REDIS_READINESS,
      inject: [REDIS, HealthIndicatorService],
      useFactory: (redis: Redis | null, indicators: HealthIndicatorService): ReadinessCheck | null =>
        redis
          ? {
              name: 'redis',
              check: () =>
                indicators
                  .check('redis')
                  .attempt(async () => {
                    await redis.ping();
                  })
                  .withTimeout(1500),
            }
          : null,
    },
    RedisLifecycle,
  ],
  exports: [REDIS, REDIS_READINESS],
})
export class RedisModule {}
