import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DataSource } from 'typeorm';

/** Arbitrary but fixed: every process that migrates this database takes the same lock. */
const MIGRATION_LOCK_KEY = 7_401_227_311;

/**
 * Applies pending migrations, holding a PostgreSQL advisory lock so that the api and the worker
 * (or several replicas) starting at once never run the same migration twice.
 */
export async function migrate(dataSource: DataSource, logger = new Logger('Migrations')): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    if (names.length > 0) {
      logger.log(`applied ${names.length} migration(s): ${names.join(', ')}`);
    }
    return names;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** In development (DATABASE_RUN_MIGRATIONS=true) the apps migrate themselves at start. */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.runMigrations) {
      await migrate(this.dataSource);
    }
  }
}
