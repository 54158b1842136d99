import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './job-registry.js';

export const JOB_PROCESSOR = Symbol('JOB_PROCESSOR');

/**
 * What a processor implements. Jobs are delivered at least once (a retry, or a worker killed
 * mid-job), so `process` must be idempotent: running it twice does no more harm than once.
 * Throwing fails the attempt; it is retried with exponential backoff and, after the last attempt,
 * stays in the failed list for inspection and `npm run cli -- jobs:retry`.
 */
export interface JobHandler<N extends JobName> {
  process(data: JobPayloads[N], job: Job<JobPayloads[N]>): Promise<unknown>;
}

/** Marks a provider as the processor of one job name; the worker finds it at boot. */
export function JobProcessor(name: JobName): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(JOB_PROCESSOR, name));
}
