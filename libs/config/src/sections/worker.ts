import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';

export class WorkerVariables {
  @Transform(toInt)
  @Min(1)
  @Max(500)
  @IsInt()
  WORKER_CONCURRENCY: number;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  WORKER_SHUTDOWN_GRACE_MS: number;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  WORKER_LOCK_DURATION_MS: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  WORKER_HEALTH_PORT?: number;
}

export interface WorkerConfig {
  readonly concurrency: number;
  readonly shutdownGraceMs: number;
  /** A job whose worker stops renewing its lock for this long is taken over (stalled-job recovery). */
  readonly lockDurationMs: number;
  /** Readiness listener for an orchestrator; undefined: none. */
  readonly healthPort: number | undefined;
}

/** Tuning shared by every environment; none of it names a service or a secret. */
const ALL: Defaults<WorkerVariables> = {
  WORKER_CONCURRENCY: '5',
  WORKER_SHUTDOWN_GRACE_MS: '25000',
  WORKER_LOCK_DURATION_MS: '30000',
};

export const worker = defineSection({
  schema: WorkerVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  build: (env: WorkerVariables): WorkerConfig => ({
    concurrency: env.WORKER_CONCURRENCY,
    shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    healthPort: env.WORKER_HEALTH_PORT,
  }),
});
