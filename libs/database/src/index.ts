export { DatabaseModule } from './database.module.js';
export { databaseOptions } from './database-options.js';
export { migrate, MigrationRunner } from './migration-runner.js';
export { MIGRATIONS } from './migrations/index.js';
export { queryRows } from './rows.js';
