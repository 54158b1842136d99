import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionStore } from './session-store.port.js';
import { FileSessionStore } from './stores/file-session-store.js';

const FIRST_RUN_MS = 30_000;
const EVERY_MS = 15 * 60_000;

/**
 * Redis expires sessions by itself; files need a sweeper. This one runs in the api process,
 * off the request path (timers, streaming directory reads, bounded concurrency). The worker
 * also schedules it as a job once the queue exists.
 */
@Injectable()
export class SessionReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionReaper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly store: SessionStore) {}

  onApplicationBootstrap(): void {
    if (!(this.store instanceof FileSessionStore)) {
      return;
    }
    this.timer = setTimeout(() => this.tick(), FIRST_RUN_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  private tick(): void {
    void this.reap().finally(() => {
      this.timer = setTimeout(() => this.tick(), EVERY_MS);
      this.timer.unref();
    });
  }

  async reap(): Promise<number> {
    if (!(this.store instanceof FileSessionStore) || this.running) {
      return 0;
    }
    this.running = true;
    try {
      const removed = await this.store.reapExpired();
      if (removed > 0) {
        this.logger.log(`removed ${removed} expired session file(s)`);
      }
      return removed;
    } catch (error) {
      this.logger.warn(`session reaping failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
