import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { MigrationRunner } from './migration-runner.js';
import { databaseOptions } from './database-options.js';

/**
 * TypeORM on PostgreSQL. Feature modules register their entities with
 * `TypeOrmModule.forFeature([...])` and `autoLoadEntities` picks them up.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...databaseOptions(config),
        autoLoadEntities: true,
        // At boot a missing database is a clear error after a few tries, not a long silent wait.
        retryAttempts: config.isProduction ? 10 : 2,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [MigrationRunner],
})
export class DatabaseModule {}

