import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { scrape } from '@app/metrics';
import { metricSum } from '@app/testing';
import { describeCacheContract } from '../test/cache.conformance.js';
import { MemoryCacheBackend } from './backends/memory-cache-backend.js';
import { CacheBackend, type WriteGuard } from './cache-backend.port.js';
import { Cache } from './cache.js';

describeCacheContract('MemoryCacheBackend', async () => {
  const backend = new MemoryCacheBackend();
  return { backend, share: () => backend, teardown: () => backend.close() };
});

/** A memory backend that can be switched off, as Redis can. */
class FlakyBackend extends CacheBackend {
  readonly kind = 'memory';
  down = false;
  constructor(private readonly inner = new MemoryCacheBackend()) {
    super();
  }
  private check() {
    if (this.down) {
      throw new Error('Connection is closed.');
    }
  }
  async getMany(keys: readonly string[]) {
    this.check();
    return this.inner.getMany(keys);
  }
  async set(key: string, value: string, ttlMs: number, guards?: readonly WriteGuard[]) {
    this.check();
    return this.inner.set(key, value, ttlMs, guards);
  }
  async delete(keys: readonly string[]) {
    this.check();
    return this.inner.delete(keys);
  }
}

describe('Cache with a failing backend', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let warn: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('misses and computes from the source, counting one outage however many requests fail', async () => {
    const backend = new FlakyBackend();
    const cache = new Cache(backend);
    const users = cache.namespace<string>('users', 60_000);
    const before = (await scrape()).body;
    await users.set('a', 'cached');
    backend.down = true;
    expect(await users.get('a')).toBeUndefined();
    expect(await users.getOrCompute('a', () => Promise.resolve('from source'))).toBe('from source');
    expect(await users.getOrCompute('a', () => Promise.resolve('from source'))).toBe('from source');
    await users.set('b', 'lost'); // no error either
    expect(cache.stats()).toMatchObject({ outages: 1 });
    expect(cache.stats().errors).toBeGreaterThanOrEqual(1);
    expect(warn).toHaveBeenCalledTimes(1);
    const after = (await scrape()).body;
    const delta = (name: string, labels: Record<string, string>) => metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta('cache_outages_total', { backend: 'memory' })).toBe(1);
    expect(delta('cache_operations_total', { backend: 'memory', result: 'miss' })).toBe(3);
  });

  it('does not serve an entry whose invalidation was lost in the outage once the backend is back', async () => {
    const backend = new FlakyBackend();
    const cache = new Cache(backend);
    const users = cache.namespace<string>('users', 60_000);
    await users.set('a', 'active');
    backend.down = true;
    await users.delete('a'); // lost: the backend is down
    backend.down = false;
    // The first read after the outage triggers recovery (every namespace invalidated) and misses.
    expect(await users.get('a')).toBeUndefined();
    await sleep(1100);
    expect(await users.get('a')).toBeUndefined();
    expect(await users.getOrCompute('a', () => Promise.resolve('disabled'))).toBe('disabled');
    expect(await users.get('a')).toBe('disabled');
  });

  it('distrusts the backend when told the connection dropped, even with no failed request', async () => {
    const backend = new FlakyBackend();
    const cache = new Cache(backend);
    const users = cache.namespace<string>('users', 60_000);
    await users.set('a', 'old');
    cache.distrust('connection lost');
    expect(await users.get('a')).toBeUndefined();
    await sleep(50);
    expect(await users.get('a')).toBeUndefined(); // recovery bumped the namespace
  });

  it('with no backend (CACHE_STORE=none) always computes', async () => {
    const cache = new Cache(null);
    const users = cache.namespace<string>('users', 60_000);
    let calls = 0;
    await users.getOrCompute('a', async () => String(++calls));
    expect(await users.getOrCompute('a', async () => String(++calls))).toBe('2');
  });

  it('refuses a namespace name that could collide with the key layout', () => {
    expect(() => new Cache(null).namespace('a:b', 1000)).toThrow(/namespace/);
  });
});
