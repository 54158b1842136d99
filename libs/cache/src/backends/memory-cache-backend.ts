import { CacheBackend, type WriteGuard } from '../cache-backend.port.js';

/**
 * For unit tests only (config refuses it in production): one process's Map, bounded by entry
 * count (the oldest written goes first), so a test that loops cannot grow it without end.
 */
export class MemoryCacheBackend extends CacheBackend {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((key) => this.read(key)));
  }

  set(key: string, value: string, ttlMs: number, guards: readonly WriteGuard[] = []): Promise<void> {
    if (guards.every((g) => this.read(g.key) === g.expected)) {
      this.entries.delete(key); // re-inserted last: Map order is write order
      this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
      while (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value!);
      }
    }
    return Promise.resolve();
  }

  delete(keys: readonly string[]): Promise<void> {
    keys.forEach((key) => this.entries.delete(key));
    return Promise.resolve();
  }

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) {
      return null;
    }
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }
}
