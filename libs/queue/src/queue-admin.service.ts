import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DependencyUnavailableError } from '@app/errors';
import type { Job, JobType, Queue } from 'bullmq';
import { JobQueue, within } from './job-queue.service.js';
import { QUEUE_NAMES, type JobPayloads, type QueueName } from './job-registry.js';
import { redactJobData } from './redact-job-data.js';

/** The states the admin pages show, the same on Redis and on PostgreSQL (see `counts`). */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOBS_PER_PAGE = 25;

export interface QueueSummary {
  name: QueueName;
  paused: boolean;
  counts: Record<JobState, number>;
}

export interface JobRow {
  id: string;
  name: string;
  attemptsMade: number;
  createdAt: Date;
  /** When a delayed job becomes due. */
  runAt: Date | undefined;
  finishedAt: Date | undefined;
  failedReason: string;
}

export interface JobDetail extends JobRow {
  queue: QueueName;
  /** One of JOB_STATES, or BullMQ's own word for the rare others (waiting-children, unknown). */
  state: string;
  maxAttempts: number;
  processedAt: Date | undefined;
  /** The payload as indented JSON, secret-looking values redacted. */
  data: string;
  stacktrace: string[];
  /** For a `mail.send` job: the outbox row it sends (the admin's mail pages show it). */
  outboxId: string | undefined;
}

export interface JobSchedulerRow {
  id: string;
  name: string;
  /** The cron pattern or "every N ms", as set in the job registry. */
  repeat: string;
  next: Date | undefined;
}

export interface JobPage {
  summary: QueueSummary;
  jobs: JobRow[];
  total: number;
  page: number;
  pages: number;
}

type RawCounts = Record<'waiting' | 'paused' | 'prioritized' | 'active' | 'delayed' | 'completed' | 'failed', number>;

/** `missing`: no such job; `wrong-state`: the job is no longer (or not yet) where the action applies. */
export type JobActionResult = 'done' | 'missing' | 'wrong-state';

/**
 * What the admin pages do with the queues: counts, lists, one job, and the operator's actions,
 * through BullMQ's Queue API, which both backends implement (the PostgreSQL one lacks only
 * `paginate`, `trimEvents` and `removeDeprecatedPriorityKey`, none used here). Each action is one
 * call that reports its outcome, so a page can say what happened and an audit line can record it.
 * The store being unreachable is a DependencyUnavailableError (503), bounded like an enqueue.
 */
@Injectable()
export class QueueAdmin {
  constructor(
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  isQueue(name: string): name is QueueName {
    return (QUEUE_NAMES as readonly string[]).includes(name);
  }

  summaries(): Promise<QueueSummary[]> {
    return this.reach(() => Promise.all(QUEUE_NAMES.map(async (name) => (await this.snapshot(name)).summary)));
  }

  /** One page (1-based, JOBS_PER_PAGE long) of one state's jobs, newest first. */
  list(name: QueueName, state: JobState, page: number): Promise<JobPage> {
    return this.reach(async () => {
      const queue = this.jobs.queue(name);
      const { summary, raw } = await this.snapshot(name);
      const parts = partsOf(state, summary.paused, raw);
      const total = parts.reduce((sum, [, count]) => sum + count, 0);
      const jobs = await pageOf(queue, parts, (page - 1) * JOBS_PER_PAGE, JOBS_PER_PAGE);
      return { summary, jobs: jobs.map(toRow), total, page, pages: Math.max(1, Math.ceil(total / JOBS_PER_PAGE)) };
    });
  }

  job(name: QueueName, id: string): Promise<JobDetail | null> {
    return this.reach(async () => {
      const queue = this.jobs.queue(name);
      const job = (await queue.getJob(id)) as Job | undefined;
      if (!job) {
        return null;
      }
      const [state, paused] = await Promise.all([job.getState(), queue.isPaused()]);
      return {
        ...toRow(job),
        queue: name,
        state: state === 'waiting' || state === 'prioritized' ? (paused ? 'paused' : 'waiting') : state,
        maxAttempts: job.opts.attempts ?? 1,
        processedAt: job.processedOn ? new Date(job.processedOn) : undefined,
        data: JSON.stringify(redactJobData(job.data), null, 2) ?? 'null',
        stacktrace: job.stacktrace ?? [],
        outboxId: job.name === 'mail.send' ? outboxIdOf(job.data) : undefined,
      };
    });
  }

  /** A failed job back to waiting, with a fresh set of attempts. */
  retry(name: QueueName, id: string): Promise<JobActionResult> {
    return this.act(name, id, 'failed', (job) => job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }));
  }

  /** A delayed job to waiting now. */
  promote(name: QueueName, id: string): Promise<JobActionResult> {
    return this.act(name, id, 'delayed', (job) => job.promote());
  }

  /** Deletes a job in any state but active (a worker holds that one's lock). */
  remove(name: QueueName, id: string): Promise<JobActionResult> {
    return this.act(name, id, null, async (job) => {
      if ((await this.jobs.queue(name).remove(job.id!)) !== 1) {
        throw new Error('not removed');
      }
    });
  }

  /** Pauses or resumes taking new jobs (jobs already running finish). Returns false if it already was so. */
  setPaused(name: QueueName, paused: boolean): Promise<boolean> {
    return this.reach(async () => {
      const queue = this.jobs.queue(name);
      if ((await queue.isPaused()) === paused) {
        return false;
      }
      await (paused ? queue.pause() : queue.resume());
      return true;
    });
  }

  schedulers(name: QueueName): Promise<JobSchedulerRow[]> {
    return this.reach(async () => {
      const schedulers = await this.jobs.queue(name).getJobSchedulers(0, -1, true);
      return schedulers.map((s) => ({
        id: s.key,
        name: s.name,
        repeat: s.pattern ?? (s.every ? `every ${Number(s.every) / 1000} s` : ''),
        next: s.next ? new Date(Number(s.next)) : undefined,
      }));
    });
  }

  private async act(
    name: QueueName,
    id: string,
    from: 'failed' | 'delayed' | null,
    change: (job: Job) => Promise<unknown>,
  ): Promise<JobActionResult> {
    const job = await this.reach(async () => (await this.jobs.queue(name).getJob(id)) as Job | undefined);
    if (!job) {
      return 'missing';
    }
    const state = await this.reach(() => job.getState());
    if (from ? state !== from : state === 'active') {
      return 'wrong-state';
    }
    try {
      await within(change(job), this.config.queue.enqueueTimeoutMs * 2);
      return 'done';
    } catch {
      // Either the job moved on between the check and the change (a worker took it, another
      // admin acted: BullMQ's scripts check the state themselves and refuse), or the store went
      // away: asking again tells which (the latter is a 503).
      await this.reach(() => job.getState());
      return 'wrong-state';
    }
  }

  private async snapshot(name: QueueName): Promise<{ summary: QueueSummary; raw: RawCounts }> {
    const queue = this.jobs.queue(name);
    const [raw, paused] = await Promise.all([this.rawCounts(queue), queue.isPaused()]);
    // Jobs ready to run are "waiting", or "paused" while the queue is: Redis keeps them in its
    // wait list either way and PostgreSQL counts them as paused, so the page adds them up itself.
    const ready = raw.waiting + raw.paused + raw.prioritized;
    const counts = {
      waiting: paused ? 0 : ready,
      active: raw.active,
      delayed: raw.delayed,
      completed: raw.completed,
      failed: raw.failed,
      paused: paused ? ready : 0,
    };
    return { summary: { name, paused, counts }, raw };
  }

  private async rawCounts(queue: Queue): Promise<RawCounts> {
    // 'paused' is not in BullMQ 6's JobType any more, but the PostgreSQL backend still counts it.
    const counts = await queue.getJobCounts('waiting', 'paused' as JobType, 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: counts.waiting ?? 0,
      paused: counts.paused ?? 0,
      prioritized: counts.prioritized ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  /** Store errors become a 503, and on PostgreSQL (no per-query timeout) a bounded wait. */
  private async reach<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await within(work(), this.config.queue.enqueueTimeoutMs * 2);
    } catch (error) {
      throw new DependencyUnavailableError('job queue', error);
    }
  }
}

/** The BullMQ lists behind one of our states, each with its length, in display order. */
function partsOf(state: JobState, paused: boolean, raw: RawCounts): Array<[JobType, number]> {
  switch (state) {
    case 'waiting':
    case 'paused':
      return (state === 'paused') === paused
        ? [
            ['prioritized', raw.prioritized],
            ['waiting', raw.waiting + raw.paused],
          ]
        : [];
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return [[state, raw[state]]];
  }
}

/** Jobs `start` to `start + size` of the lists laid end to end. */
async function pageOf(queue: Queue, parts: Array<[JobType, number]>, start: number, size: number): Promise<Job[]> {
  const out: Job[] = [];
  let offset = start;
  for (const [type, count] of parts) {
    if (out.length >= size) {
      break;
    }
    if (offset >= count) {
      offset -= count;
      continue;
    }
    const want = size - out.length;
    out.push(...((await queue.getJobs([type], offset, offset + want - 1, false)) as Job[]).slice(0, want));
    offset = 0;
  }
  return out;
}

function outboxIdOf(data: unknown): string | undefined {
  const id = (data as Partial<JobPayloads['mail.send']> | null)?.outboxId;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
}

function toRow(job: Job): JobRow {
  return {
    id: job.id ?? '',
    name: job.name,
    attemptsMade: job.attemptsMade,
    createdAt: new Date(job.timestamp),
    runAt: job.delay ? new Date(job.timestamp + job.delay) : undefined,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
    failedReason: job.failedReason ?? '',
  };
}
