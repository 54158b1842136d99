export { Cache, MAX_TTL_MS, type CacheStats } from './cache.js';
export { CacheNamespace } from './cache-namespace.js';
export { CacheBackend, type WriteGuard } from './cache-backend.port.js';
export { CacheModule, cacheBackendFactory } from './cache.module.js';
export { FileCacheBackend, type FileCacheOptions } from './backends/file-cache-backend.js';
export { MemoryCacheBackend } from './backends/memory-cache-backend.js';
export { RedisCacheBackend } from './backends/redis-cache-backend.js';
