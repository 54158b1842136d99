import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '@app/config';
import { ErrorReporterLookup } from '@app/errors';
import { jobDuration, jobsCompleted, jobsFailed, schedulerRuns, watchQueueDepth } from '@app/metrics';
import { Worker, type Job } from 'bullmq';
import { JOB_PROCESSOR, type JobHandler } from './job-processor.decorator.js';
import { JobQueue } from './job-queue.service.js';
import { isJobName, JOB_NAMES, JOBS, QUEUE_NAMES, type JobName, type QueueName } from './job-registry.js';
import { checkProcessors, type FoundProcessor } from './processor-check.js';
import { defaultJobOptions, workerConnection } from './queue-options.js';
import { QUEUE_PG_POOL } from './queue-pg-pool.js';
import type pg from 'pg';

type AnyHandler = JobHandler<JobName>;

/**
 * The consumer side, in the worker only. At boot: finds every `@JobProcessor`, refuses to start
 * unless each registered job has exactly one, starts one BullMQ Worker per queue (concurrency
 * WORKER_CONCURRENCY) and brings the job schedulers in line with the registry. On shutdown it
 * stops taking jobs and waits for the running ones, up to WORKER_SHUTDOWN_GRACE_MS.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueWorkers');
  private readonly handlers = new Map<JobName, AnyHandler>();
  private readonly workers: Worker[] = [];
  private active = 0;
  private unwatchDepth?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly jobs: JobQueue,
    @Inject(QUEUE_PG_POOL) private readonly pgPool: pg.Pool | null,
    private readonly reporter: ErrorReporterLookup,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registerHandlers();
    await this.syncSchedulers();
    const queues = [...new Set(JOB_NAMES.map((name) => JOBS[name].queue))];
    for (const queue of queues) {
      this.workers.push(this.startWorker(queue));
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.unwatchDepth = watchQueueDepth(() => this.depth(queues));
    this.logger.log(`processing ${queues.join(', ')} on ${this.config.queue.backend} with concurrency ${this.config.worker.concurrency}`);
  }

  /** The BullMQ workers (tests and the benchmark listen to their events). */
  get running(): readonly Worker[] {
    return this.workers;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unwatchDepth?.();
    if (this.workers.length === 0) {
      return;
    }
    const grace = this.config.worker.shutdownGraceMs;
    this.logger.log(`stopping: no new jobs; waiting for ${this.active} running job(s), up to ${grace} ms`);
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all(this.workers.map((w) => w.close())).then(() => true);
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), grace);
    });
    const finished = await Promise.race([drained, expired]);
    clearTimeout(timer);
    if (!finished) {
      // Their locks lapse and another worker takes them over (stalled-job recovery).
      this.logger.warn(`grace period over: abandoning running jobs; they will be picked up again`);
      await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    }
  }

  private registerHandlers(): void {
    const found: FoundProcessor[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype as { name?: string } | null;
      const instance = wrapper.instance as AnyHandler | undefined;
      const job = type ? (Reflect.getMetadata(JOB_PROCESSOR, type) as string | undefined) : undefined;
      if (!job || !instance) {
        continue;
      }
      found.push({ job, provider: type?.name ?? String(wrapper.token) });
      if (isJobName(job)) {
        this.handlers.set(job, instance);
      }
    }
    checkProcessors(JOB_NAMES, found);
  }

  private startWorker(queue: QueueName): Worker {
    const lock = this.config.worker.lockDurationMs;
    const worker = new Worker(queue, (job: Job) => this.process(job), {
      connection: workerConnection(this.config, this.pgPool),
      prefix: this.config.queue.prefix,
      concurrency: this.config.worker.concurrency,
      lockDuration: lock,
      // Checking for stalled jobs as often as a lock lasts bounds how long a job of a killed
      // worker waits before it is taken over (about two lock durations at worst).
      stalledInterval: lock,
      maxStalledCount: 1,
    });
    worker.on('failed', (job, error) => job && this.onFailed(job, error));
    worker.on('error', (error) => this.logger.warn(`${queue} worker: ${error.message}`));
    return worker;
  }

  private async process(job: Job): Promise<unknown> {
    this.active += 1;
    const end = jobDuration.startTimer({ job: job.name });
    try {
      const handler = isJobName(job.name) ? this.handlers.get(job.name) : undefined;
      if (!handler) {
        // A job from a newer or older release: fail it visibly rather than drop it.
        throw new Error(`no processor for job "${job.name}" in this worker`);
      }
      const result: unknown = await handler.process(job.data as never, job as never);
      end({ outcome: 'completed' });
      jobsCompleted.inc({ job: job.name });
      return result;
    } catch (error) {
      end({ outcome: 'failed' });
      jobsFailed.inc({ job: job.name });
      throw error;
    } finally {
      this.active -= 1;
      if (job.repeatJobKey) {
        schedulerRuns.inc({ scheduler: job.name });
      }
    }
  }

  /** Queue depth for the metrics, read when they are scraped (one round trip per queue). */
  private async depth(queues: QueueName[]): Promise<{ queue: string; state: string; count: number }[]> {
    const counts = await Promise.all(queues.map(async (queue) => ({ queue, counts: await this.jobs.queue(queue).getJobCounts() })));
    return counts.flatMap(({ queue, counts: byState }) => Object.entries(byState).map(([state, count]) => ({ queue, state, count })));
  }

  private onFailed(job: Job, error: Error): void {
    const attempts = job.opts.attempts ?? 1;
    const final = job.attemptsMade >= attempts || error.name === 'UnrecoverableError';
    if (!final) {
      this.logger.warn(`${job.name} ${job.id} attempt ${job.attemptsMade}/${attempts} failed, will retry: ${error.message}`);
      return;
    }
    this.logger.error(`${job.name} ${job.id} failed after ${job.attemptsMade} attempt(s): ${error.message}`);
    const definition = isJobName(job.name) ? JOBS[job.name] : undefined;
    if (definition?.reportFailure && !definition.reportFailure(job.data as never)) {
      return;
    }
    this.reporter?.report({ error, source: 'job', jobName: job.name, jobId: job.id, attempts: job.attemptsMade });
  }

  /** One scheduler per scheduled job (id = job name); schedulers no longer declared are removed. */
  private async syncSchedulers(): Promise<void> {
    await Promise.all(
      QUEUE_NAMES.map(async (queueName) => {
        const queue = this.jobs.queue(queueName);
        const declared = JOB_NAMES.filter((name) => JOBS[name].queue === queueName && JOBS[name].schedule);
        await Promise.all(
          declared.map((name) => {
            const { repeat, data } = JOBS[name].schedule!;
            return queue.upsertJobScheduler(name, repeat, { name, data, opts: defaultJobOptions(this.config) });
          }),
        );
        for (const existing of await queue.getJobSchedulers()) {
          if (!(declared as string[]).includes(existing.key)) {
            await queue.removeJobScheduler(existing.key);
            this.logger.log(`removed job scheduler "${existing.key}" (no longer declared)`);
          }
        }
      }),
    );
  }
}
