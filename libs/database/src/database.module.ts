import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { DatabasePoolMetrics } from './database-pool-metrics.js';
import { MigrationRunner } from './migration-runner.js';
import { databaseOptions } from './database-options.js';

/**
 * TypeORM on PostgreSQL, with exactly the entities it is given (the apps pass the one list in
 * libs/core, which the migration CLI loads too). Feature modules still declare the ones they
 * inject repositories for with `TypeOrmModule.forFeature([...])`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: Function[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...databaseOptions(config),
            entities,
            // At boot a missing database is a clear error after a few tries, not a long silent wait.
            retryAttempts: config.isProduction ? 10 : 2,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [MigrationRunner, DatabasePoolMetrics],
    };
  }
}
