import { processEnv } from '@app/config';
import { createRedisConnection, waitUntilReady } from '@app/redis';
import { randomBytes } from 'node:crypto';
import { type AttemptCounters, MemoryAttemptCounters, RedisAttemptCounters } from './attempt-counters.js';

const REDIS_URL = processEnv().TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const WINDOW_MS = 60_000;

/** The same contract for both backends: what the login throttle relies on. */
describe.each(['redis', 'memory'] as const)('attempt counters (%s)', (kind) => {
  let redis: ReturnType<typeof createRedisConnection> | undefined;
  let counters: AttemptCounters;
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const key = (name: string) => `${prefix}${name}`;

  beforeAll(async () => {
    if (kind === 'redis') {
      redis = createRedisConnection(REDIS_URL);
      if (!(await waitUntilReady(redis))) {
        throw new Error(`Redis is not reachable at ${REDIS_URL}`);
      }
      counters = new RedisAttemptCounters(redis, WINDOW_MS);
    } else {
      counters = new MemoryAttemptCounters(WINDOW_MS);
    }
  });

  afterAll(async () => {
    if (redis) {
      const left = await redis.keys(`${prefix}*`);
      if (left.length) {
        await redis.del(...left);
      }
      await redis.quit();
    }
  });

  it('reserves all counters or none, atomically under concurrency', async () => {
    const limits = [
      { key: key('a'), limit: 4 },
      { key: key('b'), limit: 10 },
    ];
    const waits = await Promise.all(Array.from({ length: 40 }, () => counters.reserve(limits)));
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
    for (const w of waits.filter((w) => w !== 0)) {
      expect(w).toBeGreaterThan(WINDOW_MS - 5_000);
      expect(w).toBeLessThanOrEqual(WINDOW_MS);
    }
    // The refused 36 counted nowhere: 'b' holds the 4 that went through, so 6 more fit under its 10.
    const b = [{ key: key('b'), limit: 10 }];
    const more = await Promise.all(Array.from({ length: 10 }, () => counters.reserve(b)));
    expect(more.filter((w) => w === 0)).toHaveLength(6);
  });

  it('refunds one attempt, clears a counter, and never goes below zero', async () => {
    const c = [{ key: key('c'), limit: 2 }];
    const d = [{ key: key('d'), limit: 2 }];
    for (const limits of [c, d, c, d]) {
      expect(await counters.reserve(limits)).toBe(0);
    }
    expect(await counters.reserve(c)).toBeGreaterThan(0);
    await counters.refund([key('c'), key('d')], ['decrement', 'clear']);
    expect(await counters.reserve(c)).toBe(0);
    expect(await counters.reserve(c)).toBeGreaterThan(0);
    expect(await counters.reserve(d)).toBe(0);
    expect(await counters.reserve(d)).toBe(0);
    await counters.refund([key('e')], ['decrement']);
    await counters.refund([key('e')], ['decrement']);
    const e = [{ key: key('e'), limit: 1 }];
    expect(await counters.reserve(e)).toBe(0);
    expect(await counters.reserve(e)).toBeGreaterThan(0);
  });

  if (kind === 'redis') {
    it('keeps every counter under its window, also after Redis lost the script', async () => {
      await redis!.script('FLUSH');
      expect(await counters.reserve([{ key: key('f'), limit: 3 }])).toBe(0);
      const ttl = await redis!.pttl(key('f'));
      expect(ttl).toBeGreaterThan(WINDOW_MS - 5_000);
      expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    });
  }
});
