import { Cache, type CacheBackend } from '@app/cache';

export interface ConformanceTarget {
  /** A fresh backend; caches built on it with `share` see the same entries (two processes). */
  backend: CacheBackend;
  /** A second backend instance on the same storage, as another process would open it. */
  share(): CacheBackend;
  teardown(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The cache's promises, run against each backend (memory in the unit suite, Redis and files in
 * the integration suites): TTL, delete and namespace invalidation seen by another instance,
 * one computation per key under concurrency, and no stale store after an invalidation.
 */
export function describeCacheContract(name: string, open: () => Promise<ConformanceTarget>): void {
  describe(`${name}: cache contract`, () => {
    let target: ConformanceTarget;
    let cache: Cache;
    let ns = 0;
    const users = () => cache.namespace<{ name: string }>(`users-${++ns}`, 60_000);

    beforeEach(async () => {
      target = await open();
      cache = new Cache(target.backend, 'c:');
    });
    afterEach(async () => {
      await target.teardown();
    });

    it('returns what was set, and undefined for what was not', async () => {
      const space = users();
      await space.set('a', { name: 'Ada' });
      expect(await space.get('a')).toEqual({ name: 'Ada' });
      expect(await space.get('b')).toBeUndefined();
    });

    it('forgets an entry after its TTL', async () => {
      const space = users();
      await space.set('a', { name: 'Ada' }, 150);
      expect(await space.get('a')).toEqual({ name: 'Ada' });
      await sleep(300);
      expect(await space.get('a')).toBeUndefined();
    });

    it('deletes a key for every instance sharing the store', async () => {
      const space = users();
      const other = new Cache(target.share(), 'c:').namespace<{ name: string }>(space.name, 60_000);
      await space.set('a', { name: 'Ada' });
      await space.set('b', { name: 'Bob' });
      expect(await other.get('a')).toEqual({ name: 'Ada' });
      await other.delete('a');
      expect(await space.get('a')).toBeUndefined();
      expect(await space.get('b')).toEqual({ name: 'Bob' });
    });

    it('invalidates a whole namespace at once, and only that one', async () => {
      const space = users();
      const neighbour = users();
      await space.set('a', { name: 'Ada' });
      await space.set('b', { name: 'Bob' });
      await neighbour.set('a', { name: 'Other' });
      await new Cache(target.share(), 'c:').namespace(space.name, 60_000).clear();
      expect(await space.get('a')).toBeUndefined();
      expect(await space.get('b')).toBeUndefined();
      expect(await neighbour.get('a')).toEqual({ name: 'Other' });
      await space.set('a', { name: 'Ada again' });
      expect(await space.get('a')).toEqual({ name: 'Ada again' });
    });

    it('computes once per key under concurrency, and serves the result afterwards', async () => {
      const space = users();
      let calls = 0;
      const compute = async () => {
        calls++;
        await sleep(50);
        return { name: 'Ada' };
      };
      const results = await Promise.all(Array.from({ length: 20 }, () => space.getOrCompute('a', compute)));
      expect(results).toEqual(Array.from({ length: 20 }, () => ({ name: 'Ada' })));
      expect(calls).toBe(1);
      expect(await space.getOrCompute('a', compute)).toEqual({ name: 'Ada' });
      expect(calls).toBe(1);
    });

    it('does not store a computation that an invalidation overtook', async () => {
      const space = users();
      let release!: () => void;
      const slow = space.getOrCompute('a', async () => {
        await new Promise<void>((r) => (release = r));
        return { name: 'old' };
      });
      await sleep(20);
      await space.delete('a'); // the source changed while the computation was reading it
      // A caller arriving after the invalidation does not share the old computation.
      const fresh = space.getOrCompute('a', () => Promise.resolve({ name: 'new' }));
      expect(await fresh).toEqual({ name: 'new' });
      release();
      expect(await slow).toEqual({ name: 'old' });
      expect(await space.get('a')).toEqual({ name: 'new' });
    });

    it('does not cache a failed computation', async () => {
      const space = users();
      await expect(space.getOrCompute('a', () => Promise.reject(new Error('source down')))).rejects.toThrow('source down');
      expect(await space.getOrCompute('a', () => Promise.resolve({ name: 'Ada' }))).toEqual({ name: 'Ada' });
    });
  });
}
