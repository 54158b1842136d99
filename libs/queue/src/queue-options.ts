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
 * (for inspection and `jobs:retry`; pruned after 30 days), trimmed soon after it succeeds: on
 * Redis the last 1000 completed jobs (at most a day old) stay visible; on PostgreSQL a completed
 * job is deleted at once, because BullMQ 6.7's count/age retention there deletes other jobs' rows
 * inside each completion and deadlocked under concurrent workers (measured: bench/queue.mjs).
 */
export function defaultJobOptions(config: Pick<AppConfig, 'queue'>): DefaultJobOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: 'exponential', delay: config.queue.backoffMs },
    removeOnComplete: config.queue.backend === 'postgres' ? true : { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}
