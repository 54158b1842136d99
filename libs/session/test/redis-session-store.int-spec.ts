import { processEnv } from '@app/config';
import { createRedisConnection, waitUntilReady } from '@app/redis';
import { RedisSessionStore } from '@app/session';
import { randomBytes } from 'node:crypto';
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
