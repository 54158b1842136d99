import { Logger } from '@nestjs/common';
import { JobProcessor, type JobHandler } from '@app/queue';
import { SessionService } from '@app/session';

/**
 * `sessions.reap`, every 15 minutes: the one place expired sessions are swept. The file store
 * removes expired files; Redis expires keys itself, so its store has nothing to do.
 * Idempotent: a file already gone is simply not counted.
 */
@JobProcessor('sessions.reap')
export class SessionReapProcessor implements JobHandler<'sessions.reap'> {
  private readonly logger = new Logger('SessionReap');

  constructor(private readonly sessions: SessionService) {}

  async process(): Promise<{ removed: number }> {
    const removed = await this.sessions.reapExpired();
    if (removed > 0) {
      this.logger.log(`removed ${removed} expired session file(s)`);
    }
    return { removed };
  }
}
