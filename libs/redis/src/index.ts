export { createRedisConnection, waitUntilReady } from './redis-connection.js';
export { REDIS, REDIS_READINESS, RedisModule } from './redis.module.js';
