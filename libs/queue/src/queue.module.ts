import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '@app/config';
import type { ReadinessCheck } from '@app/health';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { JobQueue } from './job-queue.service.js';
import { QueueAdmin } from './queue-admin.service.js';
import { QUEUE_NAMES } from './job-registry.js';
import { defaultJobOptions, producerConnection, selectQueueBackend } from './queue-options.js';
import { QUEUE_PG_POOL, QueuePgPoolModule } from './queue-pg-pool.js';
import type pg from 'pg';

export const QUEUE_READINESS = Symbol('QUEUE_READINESS');

/**
 * The producer side of the job queue, shared by every app: BullMQ queues (through @nestjs/bullmq)
 * on Redis, or on PostgreSQL when no REDIS_URL is set, and `JobQueue` to enqueue by job name.
 * The worker adds `QueueWorkerModule`, which runs the processors.
 */
@Module({
  imports: [
    TerminusModule,
    QueuePgPoolModule,
    BullModule.forRootAsync({
      imports: [QueuePgPoolModule],
      inject: [AppConfig, QUEUE_PG_POOL],
      useFactory: (config: AppConfig, pgPool: pg.Pool | null) => {
        selectQueueBackend(config);
        return {
          connection: producerConnection(config, pgPool),
          prefix: config.queue.prefix,
          defaultJobOptions: defaultJobOptions(config),
        };
      },
    }),
    BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
  ],
  providers: [
    JobQueue,
    QueueAdmin,
    {
      provide: QUEUE_READINESS,
      inject: [JobQueue, HealthIndicatorService],
      useFactory: (jobs: JobQueue, indicators: HealthIndicatorService): ReadinessCheck => ({
        name: 'queue',
        check: () =>
          indicators
            .check('queue')
            .attempt(async () => {
              // Any round trip to the queue's store proves it answers (Redis or PostgreSQL alike).
              await jobs.queue('system').getJobCountByTypes('waiting');
            })
            .withTimeout(1500),
      }),
    },
  ],
  exports: [JobQueue, QueueAdmin, QUEUE_READINESS],
})
export class QueueModule {}
