import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInt } from './parse.js';
import type { RedisVariables } from './redis.js';
import { defineSection, type Defaults } from './section.js';

export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;
export type QueueBackendKind = (typeof QUEUE_BACKENDS)[number];

export class QueueVariables {
  /** Unset: derived (redis when REDIS_URL is set, postgres on DATABASE_URL otherwise). */
  @IsOptional()
  @IsIn(QUEUE_BACKENDS)
  QUEUE_BACKEND?: QueueBackendKind;

  @Transform(toInt)
  @Min(100)
  @Max(30000)
  @IsInt()
  QUEUE_ENQUEUE_TIMEOUT_MS: number;

  /**
   * Completed jobs kept for inspection (the newest N, at most a day old); 0 deletes each job as
   * it completes. Keeping them costs a trim on every completion (measured: docs/benchmarks.md).
   */
  @Transform(toInt)
  @Min(0)
  @Max(100000)
  @IsInt()
  QUEUE_KEEP_COMPLETED: number;

  @Transform(toInt)
  @Min(1)
  @Max(50)
  @IsInt()
  JOB_ATTEMPTS: number;

  @Transform(toInt)
  @Min(10)
  @Max(3600000)
  @IsInt()
  JOB_BACKOFF_MS: number;
}

export interface QueueConfig {
  readonly backend: QueueBackendKind;
  /** BullMQ key prefix on Redis (REDIS_KEY_PREFIX + "bull"); the PostgreSQL backend uses its own schema. */
  readonly prefix: string;
  /** An enqueue that cannot reach the queue within this fails (the page gets a 503). */
  readonly enqueueTimeoutMs: number;
  readonly attempts: number;
  /** Completed jobs kept (newest first, at most a day old); 0: deleted as they complete. */
  readonly keepCompleted: number;
  /** First retry delay; each further retry doubles it. */
  readonly backoffMs: number;
}

type Env = QueueVariables & RedisVariables;

const queueBackend = (env: Env): QueueBackendKind => env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres');

function check(env: Env): string[] {
  const problems: string[] = [];
  if (queueBackend(env) === 'redis' && !env.REDIS_URL) {
    problems.push('QUEUE_BACKEND=redis needs REDIS_URL');
  }
  if (queueBackend(env) === 'postgres' && env.QUEUE_KEEP_COMPLETED > 0) {
    // BullMQ 6.7's count retention on PostgreSQL deadlocks under concurrent workers (libs/queue).
    problems.push('QUEUE_KEEP_COMPLETED must be 0 with the queue on PostgreSQL (set REDIS_URL to keep completed jobs)');
  }
  return problems;
}

/** Tuning shared by every environment; none of it names a service or a secret. */
const ALL: Defaults<QueueVariables> = {
  QUEUE_ENQUEUE_TIMEOUT_MS: '2000',
  QUEUE_KEEP_COMPLETED: '0',
  JOB_ATTEMPTS: '5',
  JOB_BACKOFF_MS: '5000',
};

export const queue = defineSection({
  schema: QueueVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  check,
  build: (env: Env): QueueConfig => ({
    backend: queueBackend(env),
    prefix: `${env.REDIS_KEY_PREFIX}bull`,
    enqueueTimeoutMs: env.QUEUE_ENQUEUE_TIMEOUT_MS,
    attempts: env.JOB_ATTEMPTS,
    keepCompleted: env.QUEUE_KEEP_COMPLETED,
    backoffMs: env.JOB_BACKOFF_MS,
  }),
});
