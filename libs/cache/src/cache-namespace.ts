import type { Cache, Stamp } from './cache.js';

/**
 * One namespace of a `Cache`: values of one shape under keys of the caller's choosing. Values go
 * through JSON (a `Date` comes back as a string): cache plain data. `undefined` is never stored.
 */
export class CacheNamespace<T> {
  /**
   * Computations in flight on this process, by key and stamp: concurrent callers of one key share
   * one computation, but only while they saw the same generations. A caller that arrives after
   * an invalidation sees a new stamp and starts its own, so it never receives an answer read
   * from the source before the change it was invalidated for.
   */
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(
    private readonly cache: Cache,
    readonly name: string,
    private readonly defaultTtlMs: number,
  ) {}

  /** The cached value, or undefined (absent, expired, invalidated, corrupt, or backend down). */
  async get(key: string): Promise<T | undefined> {
    const found = await this.cache.lookup(this.name, key);
    return found.hit ? (found.value as T) : undefined;
  }

  /** Stores a value for `ttlMs` (default: the namespace's), capped at a day. */
  async set(key: string, value: T, ttlMs = this.defaultTtlMs): Promise<void> {
    await this.cache.store(this.name, key, value, ttlMs, await this.cache.currentStamp(this.name, key));
  }

  /** Invalidates one key, here and on every process sharing the backend. */
  async delete(key: string): Promise<void> {
    await this.cache.invalidateKey(this.name, key);
  }

  /** Invalidates every key of the namespace at once (no scan: the namespace's generation moves). */
  async clear(): Promise<void> {
    await this.cache.invalidateNamespace(this.name);
  }

  /**
   * The cached value, or `compute()`'s, stored for next time. Concurrent calls for one key on
   * this process run `compute` once (with the backend down too: then each caller computes, since
   * nothing can be stored anyway). A rejected `compute` is not cached and rejects every caller
   * that shared it. A result of `undefined` is returned but not stored.
   */
  async getOrCompute(key: string, compute: () => Promise<T>, ttlMs = this.defaultTtlMs): Promise<T> {
    const found = await this.cache.lookup(this.name, key);
    if (found.hit) {
      return found.value as T;
    }
    if (found.stamp === null) {
      return compute();
    }
    const flightKey = `${key}\u0000${stampId(found.stamp)}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) {
      return pending;
    }
    // Deferred, so the flight is registered before `compute` runs (even if it throws at once).
    const flight = Promise.resolve()
      .then(compute)
      .then(async (value) => {
        await this.cache.store(this.name, key, value, ttlMs, found.stamp);
        return value;
      })
      .finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, flight);
    return flight;
  }
}

const stampId = (s: Stamp) => `${s.namespaceGen ?? ''}.${s.keyGen ?? ''}`;
