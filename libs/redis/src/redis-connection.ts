import { Redis, type RedisOptions } from 'ioredis';

/**
 * Options for connections that serve HTTP requests. A request must fail fast when Redis is
 * down (then it gets a 503), never wait in an unbounded offline queue:
 * - `enableOfflineQueue: false`: commands issued while disconnected fail at once;
 * - `commandTimeout`: a command on a connection that went silent (half-open TCP) fails too;
 * - `maxRetriesPerRequest: 1`: no silent replays after a reconnect;
 * - `retryStrategy`: reconnect forever, backing off to 2 s, so the app recovers by itself.
 */
export function requestPathRedisOptions(): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  };
}

export function createRedisConnection(url: string, options: RedisOptions = requestPathRedisOptions()): Redis {
  const client = new Redis(url, options);
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  client.on('error', () => undefined);
  return client;
}

/**
 * Resolves once the client is ready, or after `timeoutMs` either way: at boot we prefer to
 * start and answer 503 until Redis is back over refusing to start at all.
 */
export function waitUntilReady(client: Redis, timeoutMs = 3000): Promise<boolean> {
  if (client.status === 'ready') {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}
