// Makes sure `npm start` has a database before the api and worker start. Through the compiled
// config lib, which reads the configuration layers (.env, settings file, secrets) exactly as the apps will:
//   - DATABASE_URL unset (development): the project's embedded PostgreSQL in .data/postgres is
//     started, or attached to if it already runs; it has the database already.
//   - DATABASE_URL set: creates that database if it is missing on that server, so a fresh clone
//     needs no manual `createdb`. Only ever CREATE DATABASE, never anything destructive.
//   - production: nothing (the apps refuse to start without DATABASE_URL).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Returns what prepareEnvironment() found: `embeddedDatabase.startedHere` tells the caller it owns the server. */
export async function ensureDatabaseExists(root) {
  const configLib = await import(pathToFileURL(join(root, 'dist/libs/config/src/index.js')).href);
  let prepared;
  let config;
  try {
    // exportDatabaseUrl: false: the api and worker attach to the embedded server themselves (and
    // say so in their logs) instead of receiving its URL as if it were the user's DATABASE_URL.
    // exportEnvironment: false: they also read the configuration layers themselves (a secret read
    // here and handed down would look like the operator's own variable, next to its _FILE).
    prepared = await configLib.prepareEnvironment({
      envFile: join(root, '.env'),
      exportDatabaseUrl: false,
      exportEnvironment: false,
      log: (line) => console.log(`> ${line}`),
    });
    if (prepared.embeddedDatabase) {
      console.log(`> ${prepared.databaseLine}`);
      return prepared;
    }
    config = configLib.toAppConfig(configLib.validateEnv(prepared.env));
  } catch (error) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  if (config.isProduction) {
    return prepared;
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
        'Start it, set DATABASE_URL (in .env or the environment) to a server you can reach, or unset it to use\n' +
        'the embedded PostgreSQL in .data/postgres.\n',
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
  console.log(`> ${prepared.databaseLine}`);
  return prepared;
}
