/**
 * A condition on a write: `key` must currently hold `expected` (null: must be absent). The
 * cache stamps every entry with the generations it was computed under and guards its write on
 * them, so a computation that started before an invalidation cannot store its old answer after it.
 */
export interface WriteGuard {
  readonly key: string;
  readonly expected: string | null;
}

/**
 * Where cached values live: a plain string key-value store with expiry. The namespace, stamp
 * and single-flight logic is `Cache`'s, written once above every backend; a backend only keeps
 * these promises (checked by `libs/cache/test/cache.conformance.ts` for each implementation):
 *
 * - Keys are opaque strings the cache builds; a backend never builds a path from one unhashed.
 * - An expired, unreadable or corrupt value reads as absent (null), never as an error.
 * - Failures to reach the store reject (the cache turns them into misses and logs the outage).
 */
export abstract class CacheBackend {
  abstract readonly kind: 'redis' | 'file' | 'memory';

  /** The values of `keys`, in order, null where absent or expired. One round trip on Redis. */
  abstract getMany(keys: readonly string[]): Promise<(string | null)[]>;

  /**
   * Stores `value` for `ttlMs`. With guards, stores only if every guard holds at that moment:
   * atomically on Redis and memory; on files, checked just before the rename (a lost race there
   * stores an entry whose stamp no longer matches, which reads as a miss, never as stale).
   */
  abstract set(key: string, value: string, ttlMs: number, guards?: readonly WriteGuard[]): Promise<void>;

  /** Removes keys; absent ones are fine. */
  abstract delete(keys: readonly string[]): Promise<void>;

  /** Releases what the backend holds open (timers); the shared Redis connection is not its to close. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
