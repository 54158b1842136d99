import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ErrorReporter, type ErrorReportInput } from '@app/errors';
import { JobQueue } from '@app/queue';
import { toErrorReport } from './error-report.js';

/**
 * The ErrorReporter bound in every app: turns the failure into a scrubbed report and queues an
 * `errors.report` job, deduplicated by fingerprint for ERROR_MAIL_WINDOW_SECONDS (BullMQ drops
 * duplicates inside the window, across every api and worker process). Off unless error mails are
 * enabled and ADMIN_EMAILS is set.
 */
@Injectable()
export class QueuedErrorReporter extends ErrorReporter {
  private readonly logger = new Logger('ErrorReporter');

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {
    super();
  }

  report(input: ErrorReportInput): void {
    const { enabled, windowMs } = this.config.mail.errorMails;
    if (!enabled || this.config.mail.adminEmails.length === 0) {
      return;
    }
    let payload;
    try {
      payload = toErrorReport(input);
    } catch {
      return;
    }
    this.jobs
      .enqueue('errors.report', payload, { deduplication: { id: payload.fingerprint, ttl: windowMs } })
      .catch(() => this.logger.warn(`error report ${payload.fingerprint} not queued (queue unavailable)`));
  }
}
