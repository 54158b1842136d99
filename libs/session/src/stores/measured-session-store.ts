import { sessionStoreDuration, sessionStoreErrors } from '@app/metrics';
import type { SessionRecord } from '../session-record.js';
import { SessionStore, type UserSession } from '../session-store.port.js';

/**
 * Any store, timed: every operation's latency and every failure (which the caller turns into a
 * 503) go to the metrics, labelled by store kind. It only delegates, so it keeps every promise of
 * the port that the wrapped store keeps.
 */
export class MeasuredSessionStore extends SessionStore {
  constructor(
    private readonly inner: SessionStore,
    private readonly kind: string,
  ) {
    super();
  }

  get(id: string): Promise<SessionRecord | null> {
    return this.measure('get', () => this.inner.get(id));
  }

  create(id: string, record: SessionRecord): Promise<void> {
    return this.measure('create', () => this.inner.create(id, record));
  }

  set(id: string, record: SessionRecord): Promise<boolean> {
    return this.measure('set', () => this.inner.set(id, record));
  }

  touch(id: string, lastSeenAt: number): Promise<boolean> {
    return this.measure('touch', () => this.inner.touch(id, lastSeenAt));
  }

  destroy(id: string): Promise<void> {
    return this.measure('destroy', () => this.inner.destroy(id));
  }

  listByUser(userId: string): Promise<UserSession[]> {
    return this.measure('listByUser', () => this.inner.listByUser(userId));
  }

  destroyByUser(userId: string, exceptId?: string): Promise<number> {
    return this.measure('destroyByUser', () => this.inner.destroyByUser(userId, exceptId));
  }

  override reapExpired(): Promise<number> {
    return this.measure('reapExpired', () => this.inner.reapExpired());
  }

  private async measure<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const end = sessionStoreDuration.startTimer({ store: this.kind, operation });
    try {
      const result = await run();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      sessionStoreErrors.inc({ store: this.kind, operation });
      throw error;
    }
  }
}
