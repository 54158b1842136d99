import 'reflect-metadata';
import { prepareEnvironment, processEnv, toAppConfig, validateEnv } from '@app/config';
import { DataSource } from 'typeorm';
import { databaseOptions } from '@app/database';
import { ENTITIES } from './entities.js';

/**
 * Standalone DataSource for the TypeORM CLI (`npm run migration:generate|run|revert`). It reads
 * the same validated configuration as the apps. `ENTITIES` lists the whole model so that
 * generated migrations see every table.
 */

// The configuration layers (.env, settings file, secrets), and the embedded PostgreSQL
// (.data/postgres) when DATABASE_URL is unset outside production.
const prepared = await prepareEnvironment();
process.stderr.write([...prepared.layerLines, prepared.databaseLine].map((line) => `${line}\n`).join(''));

export default new DataSource({
  ...databaseOptions(toAppConfig(validateEnv(processEnv()))),
  entities: ENTITIES,
});
