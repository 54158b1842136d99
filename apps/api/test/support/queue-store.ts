import { AppConfig, type QueueBackendKind } from '@app/config';
import { Redis } from 'ioredis';
import type { AdminSuite } from './admin-suite.js';

/** One queue as its store holds it, read without BullMQ, so a test checks what BullMQ really wrote. */
export interface QueueStore {
  /** The job's state: its row's state (PostgreSQL), or the Redis structure holding its id; null when gone. */
  read(id: string): Promise<string | null>;
  /** The queue's paused flag. */
  paused(): Promise<boolean>;
  close(): Promise<void>;
}

/** BullMQ's tables in the suite's database (schema `bullmq`), or its keys under the app's Redis prefix. */
export function queueStore(t: AdminSuite, backend: QueueBackendKind, queueName: string): QueueStore {
  const config = t.app.get(AppConfig);
  if (backend === 'postgres') {
    return {
      read: async (id) =>
        (await t.sql.query<{ state: string }>('SELECT state::text FROM bullmq.job WHERE queue = $1 AND id = $2', [queueName, id])).rows[0]?.state ?? null,
      paused: async () =>
        (await t.sql.query(`SELECT 1 FROM bullmq.meta WHERE queue = $1 AND field = 'paused' AND value IS NOT NULL AND value <> '0'`, [queueName])).rowCount === 1,
      close: async () => undefined,
    };
  }
  const redis = new Redis(config.redis.url!, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const key = (suffix: string) => `${config.queue.prefix}:${queueName}:${suffix}`;
  return {
    read: async (id) => {
      if (!(await redis.exists(key(id)))) {
        return null;
      }
      for (const zset of ['failed', 'completed', 'delayed', 'prioritized']) {
        if ((await redis.zscore(key(zset), id)) !== null) {
          return zset;
        }
      }
      for (const list of ['wait', 'paused', 'active']) {
        if ((await redis.lpos(key(list), id)) !== null) {
          return list === 'active' ? 'active' : 'waiting';
        }
      }
      return 'unknown';
    },
    paused: async () => (await redis.hget(key('meta'), 'paused')) === '1',
    close: async () => {
      await redis.quit();
    },
  };
}
