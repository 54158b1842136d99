// Creates the configured database when it is missing, so a fresh clone needs no manual
// `createdb`. Only ever CREATE DATABASE, never anything destructive; skipped in production.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function ensureDatabaseExists(root) {
  const configLib = await import(pathToFileURL(join(root, 'dist/libs/config/src/index.js')).href);
  const { default: dotenv } = await import('dotenv');
  dotenv.config({ path: join(root, '.env'), quiet: true });
  let config;
  try {
    config = configLib.toAppConfig(configLib.validateEnv(configLib.processEnv()));
  } catch (error) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  if (config.isProduction) {
    return;
  }
  const { default: pg } = await import('pg');
  const target = new URL(config.database.url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const maintenance = new URL(config.database.url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    console.error(
      `\nCannot reach PostgreSQL at ${target.host} (${error.message}).\n` +
        'Start it, or set DATABASE_URL (in .env or the environment) to a server you can reach.\n',
    );
    process.exit(1);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      console.log(`> creating database "${name}"`);
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}
