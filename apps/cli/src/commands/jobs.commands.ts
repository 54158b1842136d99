import { AuditLog } from '@app/audit';
import { JobQueue } from '@app/queue';
import type { Job } from 'bullmq';
import { Command, CommandRunner, Option } from 'nest-commander';
import { positiveInt, print, table, usageError } from '../cli-output.js';

@Command({ name: 'jobs:failed', description: 'List jobs that used up their attempts (newest first)' })
export class JobsFailedCommand extends CommandRunner {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async run(_args: string[], options: { limit?: number }): Promise<void> {
    const failed = await this.jobs.failed(options.limit ?? 50);
    if (failed.length === 0) {
      print('no failed jobs');
      return;
    }
    print(
      table(
        failed.map((j) => ({
          id: j.id,
          queue: j.queue,
          name: j.name,
          attempts: j.attemptsMade,
          failed: j.failedAt?.toISOString() ?? '',
          reason: j.failedReason.replace(/\s+/g, ' ').slice(0, 80),
        })),
        ['id', 'queue', 'name', 'attempts', 'failed', 'reason'],
      ),
    );
  }

  @Option({ flags: '-n, --limit <count>', description: 'how many (default 50)' })
  parseLimit(value: string): number {
    return positiveInt('--limit', value);
  }
}

@Command({
  name: 'jobs:retry',
  arguments: '[ids...]',
  description: 'Retry failed jobs by id (see jobs:failed), or all of them with --all',
})
export class JobsRetryCommand extends CommandRunner {
  constructor(
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  async run(ids: string[], options: { all?: boolean }): Promise<void> {
    if (options.all && ids.length > 0) {
      throw usageError('give job ids or --all, not both');
    }
    if (!options.all && ids.length === 0) {
      throw usageError('give the ids of the jobs to retry (see jobs:failed), or --all');
    }
    const targets = options.all ? (await this.jobs.failed(1000)).map((j) => j.id) : ids;
    let missing = 0;
    for (const id of targets) {
      if (await this.jobs.retry(id)) {
        await this.audit.record({ action: 'job.retried', target: { type: 'job', id }, details: { via: 'cli' } });
        print(`retrying ${id}`);
      } else {
        missing += 1;
        process.stderr.write(`no failed job with id ${id}\n`);
      }
    }
    if (options.all && targets.length === 0) {
      print('no failed jobs');
    }
    if (missing > 0) {
      process.exitCode = 1;
    }
  }

  @Option({ flags: '--all', description: 'retry every failed job' })
  parseAll(): boolean {
    return true;
  }
}

@Command({ name: 'queue:ping', description: 'Queue a no-op job and wait until a worker has run it' })
export class QueuePingCommand extends CommandRunner {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async run(_args: string[], options: { timeout?: number }): Promise<void> {
    const started = Date.now();
    const id = await this.jobs.enqueue('system.ping', { sentAt: started });
    const deadline = started + (options.timeout ?? 10) * 1000;
    const queue = this.jobs.queue('system');
    for (;;) {
      const job = (await queue.getJob(id)) as Job | undefined;
      const state = job ? await job.getState() : 'unknown';
      // Gone means done: completed jobs are deleted at once (QUEUE_KEEP_COMPLETED=0); failed ones are kept.
      if (state === 'completed' || state === 'unknown') {
        print(`pong from a worker in ${Date.now() - started} ms`);
        await job?.remove().catch(() => undefined);
        return;
      }
      if (Date.now() > deadline) {
        await job?.remove().catch(() => undefined);
        throw new Error(`no worker ran the ping within ${options.timeout ?? 10} s (job state: ${state}): is a worker running?`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  @Option({ flags: '--timeout <seconds>', description: 'how long to wait (default 10)' })
  parseTimeout(value: string): number {
    return positiveInt('--timeout', value);
  }
}
