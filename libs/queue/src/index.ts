export { JobProcessor, type JobHandler } from './job-processor.decorator.js';
export { JobQueue } from './job-queue.service.js';
export { JOBS, type ErrorReportPayload, type JobPayloads } from './job-registry.js';
export { workerConnection } from './queue-options.js';
export { QUEUE_READINESS, QueueModule } from './queue.module.js';
export { QueueWorkerModule } from './queue-worker.module.js';
export { QueueWorkers } from './queue-workers.service.js';
