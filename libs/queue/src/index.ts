export { JobProcessor, JOB_PROCESSOR, type JobHandler } from './job-processor.decorator.js';
export { JobQueue, type EnqueueOptions, type FailedJob } from './job-queue.service.js';
export {
  isJobName,
  JOB_NAMES,
  JOBS,
  QUEUE_NAMES,
  type ErrorReportPayload,
  type JobDefinition,
  type JobName,
  type JobPayloads,
  type QueueName,
} from './job-registry.js';
export { checkProcessors, ProcessorRegistrationError, type FoundProcessor } from './processor-check.js';
export { defaultJobOptions, producerConnection, selectQueueBackend, workerConnection } from './queue-options.js';
export { PG_QUEUE_SCHEMA, QUEUE_PG_POOL, QueuePgPoolModule } from './queue-pg-pool.js';
export { QUEUE_READINESS, QueueModule } from './queue.module.js';
export { QueueWorkerModule } from './queue-worker.module.js';
export { QueueWorkers } from './queue-workers.service.js';
