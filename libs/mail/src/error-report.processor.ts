import { AppConfig } from '@app/config';
import { JobProcessor, type JobHandler, type JobPayloads } from '@app/queue';
import type { Job } from 'bullmq';
import { MailService } from './mail.service.js';

/** Mails one error report to every admin. Run twice, it queues each mail once (idempotency key). */
@JobProcessor('errors.report')
export class ErrorReportProcessor implements JobHandler<'errors.report'> {
  constructor(
    private readonly config: AppConfig,
    private readonly mail: MailService,
  ) {}

  async process(report: JobPayloads['errors.report'], job: Job): Promise<{ mailed: number }> {
    for (const admin of this.config.mail.adminEmails) {
      await this.mail.send('error-report', admin, { ...report, environment: this.config.env }, { idempotencyKey: `error-report:${job.id}:${admin}` });
    }
    return { mailed: this.config.mail.adminEmails.length };
  }
}
