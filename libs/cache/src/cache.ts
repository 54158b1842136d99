import { Logger } from '@nestjs/common';
import { cacheOperations, cacheOutages } from '@app/metrics';
import { randomBytes } from 'node:crypto';
import { CacheBackend } from './cache-backend.port.js';
import { CacheNamespace } from './cache-namespace.js';

/** No entry lives longer than this, whatever TTL a caller asks for (see GENERATION_TTL_MS). */
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Generations outlive every entry stamped before them: when one expires and reads as absent
 * again, no entry stamped "absent" from before its bump can still be alive.
 */
const GENERATION_TTL_MS = 2 * MAX_TTL_MS;
/** While the backend is down, one recovery attempt at most this often (the rest just miss). */
const RECOVERY_INTERVAL_MS = 1000;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Backend operations that failed (each one a miss, or a write or invalidation not done). */
  errors: number;
  /** Times the backend went from answering to failing. */
  outages: number;
}

/** What one read found: the value if the entry is current, and the stamp a write must carry. */
export interface Lookup {
  readonly value: unknown;
  readonly hit: boolean;
  /** Null when the backend could not be read: nothing may be stored then. */
  readonly stamp: Stamp | null;
}

export interface Stamp {
  readonly namespaceGen: string | null;
  readonly keyGen: string | null;
}

const stampText = (s: Stamp) => `${s.namespaceGen ?? '0'}.${s.keyGen ?? '0'}`;

/**
 * The application cache: namespaces of JSON values over one backend (Redis, files, or memory in
 * unit tests), or none at all (CACHE_STORE=none: every read misses, every compute runs).
 *
 * Invalidation never races a slow reader: every namespace and every key has a generation (a
 * random token, bumped by `clear` and `delete`), each entry carries the generations it was
 * computed under, a read returns an entry only if they are still current, and a write is guarded
 * on them. So a computation that read the database before an invalidation cannot publish its
 * answer after it, on this process or any other sharing the backend.
 *
 * A failing backend is a miss, never an error: the caller computes from the source. The first
 * failure is logged and counted as an outage; until the backend answers again nothing is read
 * from it, and the first thing done when it does is to bump every namespace this process uses,
 * so an invalidation lost during the outage cannot leave a stale entry behind.
 */
export class Cache {
  private readonly logger = new Logger('Cache');
  private readonly namespaces = new Set<string>();
  private readonly counts: CacheStats = { hits: 0, misses: 0, errors: 0, outages: 0 };
  private healthy = true;
  private recovering: Promise<void> | null = null;
  private lastRecoveryAt = 0;

  constructor(
    private readonly backend: CacheBackend | null,
    private readonly keyPrefix = '',
  ) {}

  get kind(): CacheBackend['kind'] | 'none' {
    return this.backend?.kind ?? 'none';
  }

  /** A namespace of values of one shape, e.g. `cache.namespace<UserAuthState>('auth-user', 60_000)`. */
  namespace<T>(name: string, defaultTtlMs: number): CacheNamespace<T> {
    if (!/^[a-z0-9-]{1,40}$/.test(name)) {
      throw new Error(`cache namespace "${name}" must be 1-40 lowercase letters, digits or -`);
    }
    this.namespaces.add(name);
    return new CacheNamespace<T>(this, name, Math.min(defaultTtlMs, MAX_TTL_MS));
  }

  stats(): CacheStats {
    return { ...this.counts };
  }

  /** Counted here and in the process's metrics (cache_operations_total, cache_outages_total). */
  private count(result: 'hits' | 'misses' | 'errors' | 'outages'): void {
    this.counts[result]++;
    if (result === 'outages') {
      cacheOutages.inc({ backend: this.kind });
    } else {
      cacheOperations.inc({ backend: this.kind, result: result === 'hits' ? 'hit' : result === 'misses' ? 'miss' : 'error' });
    }
  }

  /**
   * Marks the backend as not to be trusted until it answers again (the Redis connection reports
   * a lost connection here even when no request noticed it).
   */
  distrust(reason: unknown): void {
    this.markDown(reason);
  }

  // --- used by CacheNamespace --------------------------------------------------------------

  entryKey(ns: string, key: string): string {
    return `${this.keyPrefix}cache:${ns}:e:${key}`;
  }

  private namespaceGenKey(ns: string): string {
    return `${this.keyPrefix}cache:${ns}:g`;
  }

  private keyGenKey(ns: string, key: string): string {
    return `${this.keyPrefix}cache:${ns}:k:${key}`;
  }

  async lookup(ns: string, key: string): Promise<Lookup> {
    if (!this.backend || !(await this.usable())) {
      this.count('misses');
      return { value: undefined, hit: false, stamp: null };
    }
    try {
      const [entry, namespaceGen, keyGen] = await this.backend.getMany([this.entryKey(ns, key), this.namespaceGenKey(ns), this.keyGenKey(ns, key)]);
      const stamp = { namespaceGen, keyGen };
      const parsed = entry === null ? undefined : parseEntry(entry);
      if (parsed && parsed.s === stampText(stamp)) {
        this.count('hits');
        return { value: parsed.v, hit: true, stamp };
      }
      this.count('misses');
      return { value: undefined, hit: false, stamp };
    } catch (error) {
      this.failed(error);
      this.count('misses');
      return { value: undefined, hit: false, stamp: null };
    }
  }

  async store(ns: string, key: string, value: unknown, ttlMs: number, stamp: Stamp | null): Promise<void> {
    if (!this.backend || stamp === null || value === undefined || !this.healthy) {
      return;
    }
    const ttl = Math.max(1, Math.min(Math.round(ttlMs), MAX_TTL_MS));
    try {
      await this.backend.set(this.entryKey(ns, key), JSON.stringify({ s: stampText(stamp), v: value }), ttl, [
        { key: this.namespaceGenKey(ns), expected: stamp.namespaceGen },
        { key: this.keyGenKey(ns, key), expected: stamp.keyGen },
      ]);
    } catch (error) {
      this.failed(error);
    }
  }

  /** The generations now, for a `set` that did not read first. */
  async currentStamp(ns: string, key: string): Promise<Stamp | null> {
    if (!this.backend || !(await this.usable())) {
      return null;
    }
    try {
      const [namespaceGen, keyGen] = await this.backend.getMany([this.namespaceGenKey(ns), this.keyGenKey(ns, key)]);
      return { namespaceGen, keyGen };
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  async invalidateKey(ns: string, key: string): Promise<void> {
    if (!this.backend) {
      return;
    }
    try {
      // The bump is the invalidation; removing the entry only frees its space.
      await this.backend.set(this.keyGenKey(ns, key), newGeneration(), GENERATION_TTL_MS);
      await this.backend.delete([this.entryKey(ns, key)]);
    } catch (error) {
      // Lost: the outage handling bumps the whole namespace before anything is read again.
      this.failed(error);
    }
  }

  async invalidateNamespace(ns: string): Promise<void> {
    if (!this.backend) {
      return;
    }
    try {
      await this.backend.set(this.namespaceGenKey(ns), newGeneration(), GENERATION_TTL_MS);
    } catch (error) {
      this.failed(error);
    }
  }

  // --- outage handling ---------------------------------------------------------------------

  private failed(error: unknown): void {
    this.count('errors');
    this.markDown(error);
  }

  private markDown(error: unknown): void {
    if (this.healthy) {
      this.healthy = false;
      this.count('outages');
      this.logger.warn(`cache backend (${this.kind}) failed: ${describe(error)}; reading from the source until it answers again`);
    }
  }

  /** True when the backend may be read. While down, tries (at most once a second) to recover. */
  private async usable(): Promise<boolean> {
    if (this.healthy) {
      return true;
    }
    if (!this.recovering && Date.now() - this.lastRecoveryAt >= RECOVERY_INTERVAL_MS) {
      this.lastRecoveryAt = Date.now();
      this.recovering = this.recover().finally(() => (this.recovering = null));
    }
    return false;
  }

  private async recover(): Promise<void> {
    try {
      for (const ns of this.namespaces) {
        await this.backend!.set(this.namespaceGenKey(ns), newGeneration(), GENERATION_TTL_MS);
      }
      this.healthy = true;
      this.logger.log(`cache backend (${this.kind}) answers again; every namespace was invalidated`);
    } catch {
      this.count('errors');
    }
  }
}

function newGeneration(): string {
  return randomBytes(9).toString('base64url');
}

function parseEntry(text: string): { s: string; v: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { s?: unknown }).s === 'string' && 'v' in parsed) {
      return parsed as { s: string; v: unknown };
    }
  } catch {
    // corrupt: a miss
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
