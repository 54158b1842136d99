import { jest } from '@jest/globals';
import { processEnv } from '@app/config';
import { createRedisConnection, waitUntilReady } from '@app/redis';
import { generateSessionId } from '../src/session-id.js';
import { RedisSessionStore } from '../src/stores/redis-session-store.js';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { CONFORMANCE_LIFETIME, describeSessionStoreContract } from './session-store.conformance.js';

const REDIS_URL = processEnv().TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describeSessionStoreContract('RedisSessionStore (real Redis)', async () => {
  // A key prefix per store instance isolates parallel test files on the shared Redis.
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const redis = createRedisConnection(REDIS_URL);
  if (!(await waitUntilReady(redis))) {
    throw new Error(`Redis is not reachable at ${REDIS_URL}`);
  }
  const keys = async () => redis.keys(`${prefix}*`);
  return {
    store: new RedisSessionStore(redis, CONFORMANCE_LIFETIME, prefix),
    corrupt: async (id, kind) => {
      const json = (await redis.hget(`${prefix}sess:${id}`, 'r'))!;
      await redis.hset(`${prefix}sess:${id}`, 'r', kind === 'garbage' ? '\u0000\u00ff not json' : json.slice(0, json.length / 2));
    },
    footprint: async () => (await keys()).length,
    teardown: async () => {
      const left = await keys();
      if (left.length) {
        await redis.del(...left);
      }
      await redis.quit();
    },
  };
});

describe('RedisSessionStore batching', () => {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const lifetime = { idleTtlMs: 60_000, absoluteTtlMs: 120_000 };
  let redis: ReturnType<typeof createRedisConnection>;
  let store: RedisSessionStore;

  beforeAll(async () => {
    redis = createRedisConnection(REDIS_URL);
    await waitUntilReady(redis);
    store = new RedisSessionStore(redis, lifetime, prefix);
  });

  afterAll(async () => {
    const left = await redis.keys(`${prefix}*`);
    if (left.length) {
      await redis.del(...left);
    }
    await redis.quit();
  });

  const record = (n: number) => ({ createdAt: Date.now(), lastSeenAt: Date.now(), userId: 'u-batch', data: { n } });

  it('sends the commands issued in one turn as one corked socket write, in order, each with its own reply', async () => {
    const ids = Array.from({ length: 20 }, () => generateSessionId());
    const socket = (redis as unknown as { stream: Socket }).stream;
    // For each write ioredis makes: was the socket corked (buffering until the batch is complete)?
    const corkedAtWrite: boolean[] = [];
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    const spy = jest.spyOn(socket, 'write').mockImplementation(((...args: unknown[]) => {
      corkedAtWrite.push(socket.writableCorked > 0);
      return write(...args);
    }) as typeof socket.write);
    const cork = jest.spyOn(socket, 'cork');
    try {
      await Promise.all(ids.map((id, n) => store.create(id, record(n))));
      expect(cork).toHaveBeenCalledTimes(1);
      expect(corkedAtWrite).toEqual(Array.from({ length: 20 }, () => true));
      // Issued in one turn: create, update, read, destroy of the same id run in that order.
      const [, updated, read, , gone] = await Promise.all([
        store.create(generateSessionId(), record(-1)),
        store.set(ids[0], record(100)),
        store.get(ids[0]),
        store.destroy(ids[1]),
        store.get(ids[1]),
      ]);
      expect(updated).toBe(true);
      expect(read?.data).toEqual({ n: 100 });
      expect(gone).toBeNull();
      expect(cork).toHaveBeenCalledTimes(2);
      expect(socket.writableCorked).toBe(0);
      const all = await Promise.all(ids.map((id) => store.get(id)));
      expect(all.slice(2).map((r) => r?.data.n)).toEqual(ids.slice(2).map((_, i) => i + 2));
      expect((await store.listByUser('u-batch')).length).toBe(20);
    } finally {
      spy.mockRestore();
      cork.mockRestore();
    }
  });

  it('fails only the command that failed, not the others in its batch', async () => {
    const [good, broken] = [generateSessionId(), generateSessionId()];
    await store.create(good, record(1));
    await redis.set(`${prefix}sess:${broken}`, 'not a hash'); // HMGET on it: WRONGTYPE
    const [a, b, c] = await Promise.allSettled([store.get(good), store.get(broken), store.get(good)]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { data: { n: 1 } } });
    expect(b).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringContaining('WRONGTYPE') }) });
    expect(c).toMatchObject({ status: 'fulfilled', value: { data: { n: 1 } } });
  });

  it('fails fast, every command of the batch, when Redis is unreachable', async () => {
    const offline = createRedisConnection('redis://127.0.0.1:1/0'); // nothing listens on port 1
    const dead = new RedisSessionStore(offline, lifetime, prefix);
    try {
      const results = await Promise.allSettled([
        dead.get(generateSessionId()),
        dead.get(generateSessionId()),
        dead.destroy(generateSessionId()),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    } finally {
      offline.disconnect();
    }
  });
});
