import type { AppConfig } from '@app/config';
import { createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type pg from 'pg';

/**
 * Points every BullMQ class created afterwards at the configured datastore. BullMQ keeps this
 * process-wide, so it must run before the first Queue or Worker exists; QueueModule's root
 * factory runs it, and every queue and worker depends on that factory.
 */
export function selectQueueBackend(config: AppConfig): void {
  setDefaultBackendFactory(config.queue.backend === 'postgres' ? createPostgresBackend : undefined);
}

/**
 * Producers (the api) fail fast: with Redis down, `add` must reject at once so the page can
 * answer 503, never wait in ioredis' unbounded offline queue. Reconnects go on forever.
 * On PostgreSQL: the shared pool (see queue-pg-pool.ts).
 */
export function producerConnection(config: AppConfig, pgPool: pg.Pool | null): ConnectionOptions {
  if (config.queue.backend === 'postgres') {
    return pgPool as unknown as ConnectionOptions;
  }
  return {
    url: config.redis.url,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: config.queue.enqueueTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  };
}

/** Workers block waiting for jobs; BullMQ needs `maxRetriesPerRequest: null` there. */
export function workerConnection(config: AppConfig, pgPool: pg.Pool | null): ConnectionOptions {
  if (config.queue.backend === 'postgres') {
    return pgPool as unknown as ConnectionOptions;
  }
  return {
    url: config.redis.url,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 5000),
  };
}

/**
 * Every job: retried with exponential backoff (backoffMs, 2x, 4x ...), kept when it finally fails
 * (for inspection and `jobs:retry`; pruned after 30 days), and deleted as soon as it succeeds.
 * A completed job holds nothing we need (a mail's record is its outbox row), and keeping the
 * last N costs a trim inside every completion: about a quarter of the queue's throughput on
 * Redis (docs/benchmarks.md). QUEUE_KEEP_COMPLETED=N keeps the newest N (at most a day old) on
 * Redis for those who want to look at them; on PostgreSQL BullMQ 6.7's count retention deletes
 * other jobs' rows inside each completion and deadlocked under concurrent workers, so config
 * refuses it there.
 */
export function defaultJobOptions(config: Pick<AppConfig, 'queue'>): DefaultJobOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: 'exponential', delay: config.queue.backoffMs },
    removeOnComplete: config.queue.keepCompleted > 0 ? { age: 24 * 3600, count: config.queue.keepCompleted } : true,
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}
