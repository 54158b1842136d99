import { AccountsService } from '@app/auth';
import { JobProcessor, type JobHandler, type JobPayloads } from '@app/queue';
import type { Job } from 'bullmq';

/**
 * `accounts.forgot-password`: the lookup and the mail of a forgot-password request, off the
 * request path so its answer and timing cannot tell a known address from an unknown one.
 * Idempotent: the job id keys the mail, so a retried job queues the same mail, not a second.
 */
@JobProcessor('accounts.forgot-password')
export class ForgotPasswordProcessor implements JobHandler<'accounts.forgot-password'> {
  constructor(private readonly accounts: AccountsService) {}

  async process(data: JobPayloads['accounts.forgot-password'], job: Job<JobPayloads['accounts.forgot-password']>): Promise<{ mailed: boolean }> {
    const mailed = await this.accounts.sendPasswordReset(data.email, job.id ? `forgot-password:${job.id}` : undefined);
    return { mailed };
  }
}
