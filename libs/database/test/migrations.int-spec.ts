import { Logger } from '@nestjs/common';
import { toAppConfig, validateEnv } from '@app/config';
import { databaseOptions, migrate } from '@app/database';
import { MIGRATIONS } from '../src/migrations/index.js';
import { createTestDatabase, testEnv, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

// The migration runner logs what it applies; keep the test output for failures.
Logger.overrideLogger(false);

describe('migrations', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  async function connect(): Promise<DataSource> {
    const config = toAppConfig(validateEnv(testEnv({ DATABASE_URL: db.url })));
    const ds = await new DataSource(databaseOptions(config)).initialize();
    sources.push(ds);
    return ds;
  }

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
  });

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db?.drop();
  });

  it('applies every migration exactly once, even when two processes start together', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const [ranA, ranB] = await Promise.all([migrate(a), migrate(b)]);
    expect([...ranA, ...ranB].sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    const rows = await a.query('SELECT name FROM migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('creates the account model with its reference roles', async () => {
    const ds = sources[0];
    const roles = (await ds.query('SELECT name FROM roles ORDER BY name')) as Array<{ name: string }>;
    expect(roles.map((r) => r.name)).toEqual(['admin', 'dev', 'user']);
    await ds.query(`INSERT INTO users (email) VALUES ('Ada@Example.com')`);
    await expect(ds.query(`INSERT INTO users (email) VALUES ('ada@example.COM')`)).rejects.toThrow(/users_email_lower_key/);
  });

  it('reverts every migration cleanly, and applies them all again', async () => {
    const ds = sources[0];
    for (let i = 0; i < MIGRATIONS.length; i++) {
      await ds.undoLastMigration();
    }
    const tables = (await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users','roles')`,
    )) as unknown[];
    expect(tables).toHaveLength(0);
    expect(await migrate(ds)).toHaveLength(MIGRATIONS.length);
  });
});
