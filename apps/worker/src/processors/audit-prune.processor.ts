import { Logger } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { AppConfig } from '@app/config';
import { JobProcessor, type JobHandler } from '@app/queue';

/**
 * `audit.prune`, daily (see `JOBS['audit.prune']` in libs/queue): deletes audit trail rows older
 * than AUDIT_RETENTION_DAYS. Idempotent: a second run finds nothing older left.
 */
@JobProcessor('audit.prune')
export class AuditPruneProcessor implements JobHandler<'audit.prune'> {
  private readonly logger = new Logger('AuditPrune');

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async process(): Promise<{ deleted: number }> {
    const deleted = await this.audit.prune(this.config.auth.auditRetentionDays);
    if (deleted > 0) {
      this.logger.log(`deleted ${deleted} audit row(s) older than ${this.config.auth.auditRetentionDays} days`);
    }
    return { deleted };
  }
}
