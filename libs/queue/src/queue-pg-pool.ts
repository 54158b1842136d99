import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { runMigrations } from 'bullmq';
import pg from 'pg';
import { QUEUE_NAMES } from './job-registry.js';

/** BullMQ's PostgreSQL schema: all queues of the app live in it, beside (not inside) our tables. */
export const PG_QUEUE_SCHEMA = 'bullmq';

/** The pool every queue and worker of this process shares on the PostgreSQL backend; null on Redis. */
export const QUEUE_PG_POOL = Symbol('QUEUE_PG_POOL');

/**
 * One pool for BullMQ's PostgreSQL backend, owned by us rather than by BullMQ, because BullMQ 6.7's
 * own pools leave checked-out connections without an error listener: a database that went away
 * while one was in use (its startup migration, a worker's LISTEN connection) crashed the process
 * with an uncaught `ECONNRESET`. Here every connection gets a listener. Given a pool, BullMQ does
 * not migrate its schema itself, so this does it once, under BullMQ's advisory lock.
 */
export async function createQueuePgPool(config: AppConfig): Promise<pg.Pool | null> {
  if (config.queue.backend !== 'postgres') {
    return null;
  }
  const logger = new Logger('QueueStore');
  const pool = new pg.Pool({
    connectionString: config.database.url,
    // Each worker holds one connection for LISTEN; jobs and producers share the rest.
    max: QUEUE_NAMES.length + Math.min(config.worker.concurrency, 10) + 2,
    connectionTimeoutMillis: config.database.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: `${config.app.name} queue`,
    options: `-c search_path=${PG_QUEUE_SCHEMA}`,
  });
  pool.on('error', (error) => logger.warn(`idle queue connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', (error) => logger.warn(`queue connection lost: ${error.message}`)));
  const client = await pool.connect();
  try {
    await runMigrations(client, PG_QUEUE_SCHEMA);
  } finally {
    client.release();
  }
  return pool;
}

@Injectable()
class QueuePgPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_PG_POOL) private readonly pool: pg.Pool | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
  }
}

@Module({
  providers: [{ provide: QUEUE_PG_POOL, inject: [AppConfig], useFactory: createQueuePgPool }, QueuePgPoolCloser],
  exports: [QUEUE_PG_POOL],
})
export class QueuePgPoolModule {}
