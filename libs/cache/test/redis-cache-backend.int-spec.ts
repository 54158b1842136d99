import { Cache, RedisCacheBackend } from '@app/cache';
import { createRedisConnection, waitUntilReady } from '@app/redis';
import { testRedisUrl } from '@app/testing';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describeCacheContract } from './cache.conformance.js';

async function connect(): Promise<Redis> {
  const redis = createRedisConnection(testRedisUrl());
  if (!(await waitUntilReady(redis))) {
    throw new Error(`Redis is not reachable at ${testRedisUrl()}`);
  }
  return redis;
}

describeCacheContract('RedisCacheBackend (real Redis)', async () => {
  const [a, b] = [await connect(), await connect()];
  return {
    backend: new RedisCacheBackend(a),
    share: () => new RedisCacheBackend(b),
    teardown: async () => {
      await a.quit();
      await b.quit();
    },
  };
});

describe('RedisCacheBackend keys', () => {
  it('writes only under REDIS_KEY_PREFIX, each key with a TTL', async () => {
    const redis = await connect();
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    try {
      const users = new Cache(new RedisCacheBackend(redis), prefix).namespace<string>('users', 60_000);
      await users.set('a', 'Ada');
      await users.delete('b');
      await users.clear();
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBe(3);
      for (const key of keys) {
        expect(await redis.pttl(key)).toBeGreaterThan(0);
      }
      await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });

  it('reads a corrupt entry as a miss', async () => {
    const redis = await connect();
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    try {
      const users = new Cache(new RedisCacheBackend(redis), prefix).namespace<string>('users', 60_000);
      await users.set('a', 'Ada');
      await redis.set(`${prefix}cache:users:e:a`, '{"s":"0.0","v"', 'PX', 60_000);
      expect(await users.get('a')).toBeUndefined();
      expect(await users.getOrCompute('a', async () => 'recomputed')).toBe('recomputed');
      await redis.del(...(await redis.keys(`${prefix}*`)));
    } finally {
      await redis.quit();
    }
  });
});
