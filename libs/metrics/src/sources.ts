import { Gauge } from 'prom-client';
import { registry } from './registry.js';

/**
 * Gauges read when Prometheus scrapes, from whoever owns the thing measured (the database lib its
 * pool, the worker its queues). A source registers itself and removes itself on shutdown; with
 * none registered the gauge reports nothing rather than a misleading zero.
 */

export interface PoolStats {
  /** Connections checked out by a query or transaction right now. */
  readonly inUse: number;
  readonly idle: number;
  /** Callers waiting for a connection: the pool is exhausted when this stays above 0. */
  readonly waiting: number;
}

export interface QueueDepth {
  readonly queue: string;
  readonly state: string;
  readonly count: number;
}

const poolSources = new Set<() => PoolStats>();
const queueSources = new Set<() => Promise<QueueDepth[]>>();

function register<T>(set: Set<T>, source: T): () => void {
  set.add(source);
  return () => set.delete(source);
}

/** Returns the function that unregisters it. */
export function watchDatabasePool(read: () => PoolStats): () => void {
  return register(poolSources, read);
}

/** Returns the function that unregisters it. A source that rejects is skipped for that scrape. */
export function watchQueueDepth(read: () => Promise<QueueDepth[]>): () => void {
  return register(queueSources, read);
}

new Gauge({
  name: 'db_pool_connections',
  help: 'Database pool of this process by state: in_use, idle, waiting (callers queued for a connection)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    if (poolSources.size === 0) {
      return;
    }
    const sum = { in_use: 0, idle: 0, waiting: 0 };
    for (const read of poolSources) {
      const stats = read();
      sum.in_use += stats.inUse;
      sum.idle += stats.idle;
      sum.waiting += stats.waiting;
    }
    for (const [state, value] of Object.entries(sum)) {
      this.set({ state }, value);
    }
  },
});

new Gauge({
  name: 'queue_jobs',
  help: 'Jobs in each queue by state (waiting, active, delayed, failed, ...), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const results = await Promise.allSettled([...queueSources].map((read) => read()));
    for (const result of results) {
      if (result.status === 'fulfilled') {
        for (const { queue, state, count } of result.value) {
          this.set({ queue, state }, count);
        }
      }
    }
  },
});
