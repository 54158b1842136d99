import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { watchDatabasePool } from '@app/metrics';
import { DataSource } from 'typeorm';
import type pg from 'pg';

/**
 * Reports this process's TypeORM pool (in use, idle, waiting) when metrics are scraped. Waiting
 * above zero for long means DATABASE_POOL_SIZE is the limit, not the database.
 */
@Injectable()
export class DatabasePoolMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private unwatch?: () => void;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    // TypeORM's PostgresDriver keeps its pg.Pool as `master` (typed any there).
    const pool = (this.dataSource.driver as unknown as { master?: pg.Pool }).master;
    if (!pool) {
      return;
    }
    this.unwatch = watchDatabasePool(() => ({
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }));
  }

  onApplicationShutdown(): void {
    this.unwatch?.();
  }
}
