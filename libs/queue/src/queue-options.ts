import type { AppConfig } from '@app/config';
import { createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';

/** BullMQ's PostgreSQL schema: all queues of the app live in it, beside (not inside) our tables. */
export const PG_QUEUE_SCHEMA = 'bullmq';

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
 */
export function producerConnection(config: AppConfig): ConnectionOptions {
  if (config.queue.backend === 'postgres') {
    return postgresConnection(config, 2);
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
export function workerConnection(config: AppConfig): ConnectionOptions {
  if (config.queue.backend === 'postgres') {
    return postgresConnection(config, 3);
  }
  return {
    url: config.redis.url,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 5000),
  };
}

/**
 * BullMQ's own pool per queue or worker (small: each holds at most a couple of connections), in
 * its own schema. `migrate: true` creates or upgrades that schema under BullMQ's advisory lock, so
 * it is safe with several processes starting at once and needs no separate release step.
 */
function postgresConnection(config: AppConfig, max: number): ConnectionOptions {
  return {
    connectionString: config.database.url,
    schema: PG_QUEUE_SCHEMA,
    migrate: true,
    max,
    connectionTimeoutMillis: config.database.connectTimeoutMs,
    keepAlive: true,
    application_name: 'nest-starter-queue',
  } as unknown as ConnectionOptions;
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
