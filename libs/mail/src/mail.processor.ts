import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobProcessor, type JobHandler, type JobPayloads } from '@app/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { scrubSecrets } from './error-report.js';
import { MailRenderer } from './mail-renderer.js';
import { isMailTemplate } from './mail-templates.js';
import { MailTransport } from './mail-transport.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Renders and delivers one outbox row. Idempotent: a row already marked sent is skipped, so a
 * retried or recovered job never sends a mail twice once it is recorded as sent. (A worker killed
 * after the SMTP server accepted the mail but before the row was marked can still resend it:
 * delivery is at least once; the Message-ID stays the same so receivers can tell.)
 */
@JobProcessor('mail.send')
export class MailProcessor implements JobHandler<'mail.send'> {
  private readonly logger = new Logger('MailProcessor');
  private readonly domain: string;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly renderer: MailRenderer,
    private readonly transport: MailTransport,
  ) {
    this.domain = /@([^>\s]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'localhost';
  }

  async process({ outboxId }: JobPayloads['mail.send'], job: Job): Promise<{ status: string }> {
    const row = await this.outbox.findById(outboxId);
    if (!row) {
      throw new UnrecoverableError(`outbox row ${outboxId} does not exist`);
    }
    if (row.status === 'sent') {
      return { status: 'already-sent' };
    }
    if (row.status === 'failed' && job.attemptsMade === 0) {
      await this.outbox.requeue(row.id); // a failed mail whose job was retried by hand
    }
    if (!isMailTemplate(row.template) || !row.data) {
      throw new UnrecoverableError(`outbox row ${outboxId} has no renderable template "${row.template}"`);
    }
    const parts = this.renderer.render(row.template, row.data as never);
    const claimed = await this.outbox.beginAttempt(row.id, parts);
    if (!claimed) {
      return { status: 'already-sent' };
    }
    try {
      const messageId = await this.transport.deliver({
        messageId: `<${row.id}@${this.domain}>`,
        from: this.config.mail.from,
        to: row.recipient,
        subject: parts.subject,
        html: parts.html,
        text: parts.text,
      });
      await this.outbox.markSent(row.id, this.transport.kind, messageId);
      return { status: 'sent' };
    } catch (error) {
      const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.outbox.recordFailure(row.id, reason, final);
      this.logger.warn(`mail ${row.id} not sent (attempt ${job.attemptsMade + 1}): ${reason}`);
      throw error;
    }
  }
}
