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

  async process(report: JobPayloads['errors.report'], _job: Job): Promise<{ mailed: number }> {
    for (const admin of this.config.mail.adminEmails) {
      // Keyed by the occurrence, not the job id: BullMQ ids restart when the queue's store does.
      const key = `error-report:${report.fingerprint}:${report.occurredAt}:${admin}`;
      await this.mail.send('error-report', admin, { ...report, environment: this.config.env }, { idempotencyKey: key.slice(0, 200) });
    }
    return { mailed: this.config.mail.adminEmails.length };
  }
}
