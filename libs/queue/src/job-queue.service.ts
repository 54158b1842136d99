import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { AppConfig } from '@app/config';
import { DependencyUnavailableError } from '@app/errors';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { JOBS, QUEUE_NAMES, type JobName, type JobPayloads, type QueueName } from './job-registry.js';

/** Options a producer may set per job; the rest comes from the registry and the defaults. */
export type EnqueueOptions = Pick<JobsOptions, 'delay' | 'priority' | 'deduplication' | 'jobId'>;

export interface FailedJob {
  queue: QueueName;
  id: string;
  name: string;
  attemptsMade: number;
  failedReason: string;
  failedAt: Date | undefined;
}

class EnqueueTimeoutError extends Error {
  constructor(ms: number) {
    super(`the queue did not answer within ${ms} ms`);
    this.name = 'EnqueueTimeoutError';
  }
}

export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnqueueTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The only way work is queued: typed by the registry, bounded in time. When the queue's store is
 * unreachable `enqueue` rejects with DependencyUnavailableError within QUEUE_ENQUEUE_TIMEOUT_MS
 * (a page then answers 503); it never waits for the store to come back.
 */
@Injectable()
export class JobQueue {
  private readonly logger = new Logger('JobQueue');
  private readonly queues: Record<QueueName, Queue>;
  private readonly ready = new WeakSet<Queue>();

  constructor(
    private readonly config: AppConfig,
    @InjectQueue('mail') mail: Queue,
    @InjectQueue('maintenance') maintenance: Queue,
    @InjectQueue('system') system: Queue,
  ) {
    this.queues = { mail, maintenance, system };
    for (const [name, queue] of Object.entries(this.queues)) {
      // Without a listener BullMQ prints every failed reconnect to the console; one line per
      // outage per queue is enough (requests that need the queue get 503s meanwhile).
      let quietUntil = 0;
      queue.on('error', (error: Error) => {
        if (Date.now() >= quietUntil) {
          quietUntil = Date.now() + 30_000;
          this.logger.warn(`queue ${name} unreachable: ${error.message}`);
        }
      });
    }
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], options: EnqueueOptions = {}): Promise<string> {
    const definition = JOBS[name];
    const queue = this.queues[definition.queue];
    const jobId = options.jobId ?? definition.jobId?.(data);
    const ms = this.config.queue.enqueueTimeoutMs;
    try {
      // Before the first connection BullMQ waits for the store instead of failing; bound that
      // wait, and do not call `add` until ready so a late connection cannot queue a job whose
      // caller was already told it failed. Once connected to Redis, the connection itself
      // bounds `add` (no offline queue: a lost connection fails it at once; commandTimeout: a
      // silent one), so no second timer per job (it cost about 10% of enqueue throughput). The
      // PostgreSQL pool has no per-query timeout, so there the timer stays.
      if (!this.ready.has(queue)) {
        await within(queue.waitUntilReady(), ms);
        this.ready.add(queue);
      }
      const adding = queue.add(name, data, { ...options, jobId });
      const job = await (this.config.queue.backend === 'redis' ? adding : within(adding, ms));
      return job.id ?? '';
    } catch (error) {
      this.logger.warn(`could not queue ${name}: ${error instanceof Error ? error.message : String(error)}`);
      throw new DependencyUnavailableError('job queue', error);
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  /** Jobs that used up their attempts, newest first, across every queue. */
  async failed(limit = 50): Promise<FailedJob[]> {
    const lists = await Promise.all(
      QUEUE_NAMES.map(async (queue) => (await this.queues[queue].getFailed(0, limit - 1)).map((job) => toFailed(queue, job as Job))),
    );
    return lists
      .flat()
      .sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0))
      .slice(0, limit);
  }

  /**
   * Moves a failed job back to waiting with a fresh set of attempts. Returns false when no failed
   * job has that id (already retried, or removed). Safe to repeat: processors are idempotent.
   */
  async retry(jobId: string): Promise<boolean> {
    for (const queue of QUEUE_NAMES) {
      const job = (await this.queues[queue].getJob(jobId)) as Job | undefined;
      if (job && (await job.isFailed())) {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      }
    }
    return false;
  }
}

function toFailed(queue: QueueName, job: Job): FailedJob {
  return {
    queue,
    id: job.id ?? '',
    name: job.name,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
  };
}
