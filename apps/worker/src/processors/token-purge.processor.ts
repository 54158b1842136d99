import { Logger } from '@nestjs/common';
import { OneTimeTokensService } from '@app/auth';
import { JobProcessor, type JobHandler } from '@app/queue';

/**
 * `accounts.purge-tokens`, hourly: deletes confirmation and reset tokens that expired or were
 * used more than a day ago (they can never be redeemed; keeping them only grows the table).
 * Idempotent: a second run finds nothing left to delete.
 */
@JobProcessor('accounts.purge-tokens')
export class TokenPurgeProcessor implements JobHandler<'accounts.purge-tokens'> {
  private readonly logger = new Logger('TokenPurge');

  constructor(private readonly tokens: OneTimeTokensService) {}

  async process(): Promise<{ removed: number }> {
    const removed = await this.tokens.purgeExpired();
    if (removed > 0) {
      this.logger.log(`removed ${removed} spent one-time token(s)`);
    }
    return { removed };
  }
}
