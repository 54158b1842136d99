import { Inject, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobProcessor, type JobHandler } from '@app/queue';
import { REDIS } from '@app/redis';
import { FileSessionStore, sessionStoreFactory } from '@app/session';
import type { Redis } from 'ioredis';

/**
 * `sessions.reap`, every 15 minutes: removes expired session files. The worker builds the same
 * store the api uses (from config) and calls its reaper; with the Redis store there is nothing to
 * do, Redis expires keys itself. Idempotent: a file already gone is simply not counted.
 */
@JobProcessor('sessions.reap')
export class SessionReapProcessor implements JobHandler<'sessions.reap'> {
  private readonly logger = new Logger('SessionReap');

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async process(): Promise<{ removed: number }> {
    const store = sessionStoreFactory(this.config, this.redis);
    if (!(store instanceof FileSessionStore)) {
      return { removed: 0 };
    }
    const removed = await store.reapExpired();
    if (removed > 0) {
      this.logger.log(`removed ${removed} expired session file(s)`);
    }
    return { removed };
  }
}
