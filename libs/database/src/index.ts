export { DatabaseModule } from './database.module.js';
export { databaseOptions } from './database-options.js';
export { migrate } from './migration-runner.js';
export { queryRows } from './rows.js';
