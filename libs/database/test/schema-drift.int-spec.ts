import { Logger } from '@nestjs/common';
import { toAppConfig, validateEnv } from '@app/config';
import { ENTITIES } from '@app/core';
import { databaseOptions, migrate } from '@app/database';
import { MIGRATIONS } from '../src/migrations/index.js';
import { createTestDatabase, testEnv, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

// The migration runner logs what it applies; keep the test output for failures.
Logger.overrideLogger(false);

/**
 * The schema is written by hand in migrations; the entities describe it to TypeORM. This test
 * is what keeps the two in step: on a freshly migrated database, TypeORM's schema builder (what
 * `migration:generate` and `npm run migration:check` run) must find nothing to change. When it
 * fails, either the entity is missing a declaration (name an index/check/FK as the migration
 * does) or the change needs a new migration.
 */
describe('schema drift between entities and migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource | undefined;
  let applied: string[];

  beforeAll(async () => {
    db = await createTestDatabase('schema_drift');
    const config = toAppConfig(validateEnv(testEnv({ DATABASE_URL: db.url })));
    // The options the apps and the migration CLI use, with the whole model.
    dataSource = await new DataSource({ ...databaseOptions(config), entities: ENTITIES }).initialize();
    applied = await migrate(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('finds nothing to change on a freshly migrated database', async () => {
    expect(applied).toHaveLength(MIGRATIONS.length);
    const { upQueries } = await dataSource!.driver.createSchemaBuilder().log();
    const pending = upQueries.map((q) => `${q.query};`);
    if (pending.length > 0) {
      throw new Error(
        `The entities (ENTITIES) do not match the schema the migrations create; TypeORM would run:\n\n` +
          `${pending.join('\n')}\n\n` +
          `Declare in the entity what the migration creates (names of indexes, checks, uniques, foreign keys), ` +
          `or add a migration for a real schema change.`,
      );
    }
    expect(pending).toEqual([]);
  });

  // TypeORM matches check constraints by name only, so a changed expression goes unnoticed by
  // the test above. PostgreSQL normalises each expression (pg_get_constraintdef) the same way
  // whatever its spelling: add the entity's expression to an empty copy of the table and compare.
  it('declares the check constraints with the expressions the migrations gave them', async () => {
    const ds = dataSource!;
    const mismatches: string[] = [];
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      const definitionOf = async (table: string, name: string): Promise<string | undefined> => {
        const rows = (await runner.query(
          `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
            WHERE c.conrelid = to_regclass($1) AND c.conname = $2 AND c.contype = 'c'`,
          [table, name],
        )) as Array<{ def: string }>;
        return rows[0]?.def;
      };
      for (const entity of ds.entityMetadatas.filter((e) => e.checks.length > 0)) {
        const probe = `drift_probe_${entity.tableName}`;
        await runner.query(`CREATE TEMP TABLE "${probe}" (LIKE "${entity.tableName}")`);
        for (const check of entity.checks) {
          await runner.query(`ALTER TABLE "${probe}" ADD CONSTRAINT "${check.name}" CHECK (${check.expression})`);
          const migrated = await definitionOf(`"${entity.tableName}"`, check.name);
          const declared = await definitionOf(`"${probe}"`, check.name);
          if (migrated !== declared) {
            mismatches.push(`${entity.tableName}.${check.name}:\n  migrations: ${migrated ?? '(missing)'}\n  entity:     ${declared}`);
          }
        }
      }
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(mismatches).toEqual([]);
  });
});
