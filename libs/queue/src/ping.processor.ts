import type { Job } from 'bullmq';
import { JobProcessor, type JobHandler } from './job-processor.decorator.js';
import type { JobPayloads } from './job-registry.js';

/** Answers `system.ping` jobs: proves a worker is consuming (CLI `queue:ping`, benchmark). */
@JobProcessor('system.ping')
export class PingProcessor implements JobHandler<'system.ping'> {
  process(data: JobPayloads['system.ping'], _job: Job): Promise<{ latencyMs: number }> {
    return Promise.resolve({ latencyMs: Date.now() - data.sentAt });
  }
}
