import { Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';

const poolLogger = new Logger('DatabasePool');

/**
 * One place that turns config into TypeORM options, shared by the apps and the migration CLI.
 * `synchronize` is never on: the schema changes only through migrations.
 */
export function databaseOptions(config: AppConfig): DataSourceOptions {
  const { url, poolSize, connectTimeoutMs, statementTimeoutMs } = config.database;
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Shown in pg_stat_activity, so a shared server tells whose connections these are.
    applicationName: config.app.name,
    poolSize,
    connectTimeoutMS: connectTimeoutMs,
    // An idle connection dropped by the server or the network must not crash the process.
    poolErrorHandler: (error: Error) => poolLogger.warn(`idle connection lost: ${error.message}`),
    extra: {
      statement_timeout: statementTimeoutMs,
      // Client-side bound too: a statement on a half-open TCP connection would otherwise wait
      // for the kernel's keepalive (minutes) instead of failing into a 503.
      query_timeout: statementTimeoutMs + 2000,
      keepAlive: true,
      idleTimeoutMillis: 30000,
    },
  };
}
