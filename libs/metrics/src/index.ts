export { httpMetricsMiddleware, UNMATCHED_ROUTE } from './http-metrics.middleware.js';
export { MetricsModule } from './metrics.module.js';
export { MetricsServer } from './metrics-server.js';
export {
  cacheOperations,
  cacheOutages,
  jobDuration,
  jobsCompleted,
  jobsFailed,
  schedulerRuns,
  sessionStoreDuration,
  sessionStoreErrors,
  signIns,
} from './registry.js';
export { bearerMatches, scrape, type Scrape } from './scrape.js';
export { watchDatabasePool, watchQueueDepth, type PoolStats, type QueueDepth } from './sources.js';
