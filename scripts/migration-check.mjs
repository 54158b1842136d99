// `npm run migration:check`: do the entities (ENTITIES) declare exactly the schema the migrations
// create? Runs every migration on a scratch database (created next to the configured one, then
// dropped) and asks TypeORM's schema builder, which `migration:generate` uses, what it would
// change. Exit 0: nothing; exit 1: drift, and the SQL it would run is printed; exit 2: could not
// check. A scratch database rather than the configured one, so the answer does not depend on
// which migrations that database has run or on what else was done to it.
//
// Uses the compiled data source (dist/libs/core/src/data-source.js, the one the TypeORM CLI
// loads), so its options, migrations and entities are the CLI's. The npm script builds first.
// TypeORM compares check constraints by name only; libs/database/test/schema-drift.int-spec.ts
// also compares their expressions.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function onServer(url, sql) {
  const { default: pg } = await import('pg');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main() {
  const { DataSource } = await import('typeorm');
  const { default: configured } = await import(pathToFileURL(join(root, 'dist/libs/core/src/data-source.js')).href);
  const name = `migration_check_${randomBytes(5).toString('hex')}`;
  const scratch = new URL(configured.options.url);
  scratch.pathname = `/${name}`;

  await onServer(scratch.toString(), `CREATE DATABASE "${name}"`);
  let dataSource;
  try {
    dataSource = await new DataSource({ ...configured.options, url: scratch.toString(), logging: false }).initialize();
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    if (upQueries.length === 0) {
      console.log(`No drift: after the ${ran.length} migrations, the entities need no schema change.`);
      return 0;
    }
    console.error(
      `Drift: after the ${ran.length} migrations, TypeORM would still run this to match the entities:\n\n` +
        upQueries.map((q) => `${q.query};`).join('\n') +
        '\n\nDeclare in the entities what the migrations create (index, check, unique and foreign key names, ' +
        'ON DELETE/ON UPDATE), or add a migration for a real schema change (libs/database/src/migrations).',
    );
    return 1;
  } finally {
    await dataSource?.destroy();
    await onServer(scratch.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`migration:check could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
