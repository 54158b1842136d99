export { JobProcessor, type JobHandler } from './job-processor.decorator.js';
export { JobQueue } from './job-queue.service.js';
export { JOBS, type ErrorReportPayload, type JobPayloads } from './job-registry.js';
export { workerConnection } from './queue-options.js';
export {
  JOB_STATES,
  JOBS_PER_PAGE,
  QueueAdmin,
  type JobActionResult,
  type JobDetail,
  type JobState,
  type QueueSummary,
} from './queue-admin.service.js';
export { REDACTED_VALUE, redactJobData } from './redact-job-data.js';
export { QUEUE_READINESS, QueueModule } from './queue.module.js';
export { QueueWorkerModule } from './queue-worker.module.js';
export { QueueWorkers } from './queue-workers.service.js';
