import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobProcessor, type JobHandler } from '@app/queue';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Scheduled daily (see `JOBS['mail.outbox-prune'].schedule` in libs/queue): deletes sent mail older
 * than OUTBOX_RETENTION_DAYS. Failed and queued rows stay until someone looks at them.
 * Also the example to copy for a new scheduled job: a payload type, a registry entry with a
 * `schedule`, and a provider like this one.
 */
@JobProcessor('mail.outbox-prune')
export class OutboxPruneProcessor implements JobHandler<'mail.outbox-prune'> {
  private readonly logger = new Logger('OutboxPrune');

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
  ) {}

  async process(): Promise<{ deleted: number }> {
    const cutoff = new Date(Date.now() - this.config.mail.outboxRetentionDays * 86_400_000);
    const deleted = await this.outbox.deleteSentBefore(cutoff);
    if (deleted > 0) {
      this.logger.log(`deleted ${deleted} sent mail(s) older than ${this.config.mail.outboxRetentionDays} days`);
    }
    return { deleted };
  }
}
