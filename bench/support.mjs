// Shared helpers for the benchmark scripts (plain JavaScript: they run against dist/).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const SERVER = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway database, migrated by the app itself or by the caller; dropped afterwards. */
export async function benchDatabase(label) {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: SERVER });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  // Production does not migrate at start: apply the migrations once, as a release step would.
  const { migrate, databaseOptions } = await import(join(root, 'dist/libs/database/src/index.js'));
  const { toAppConfig, validateEnv } = await import(join(root, 'dist/libs/config/src/index.js'));
  const { DataSource } = await import('typeorm');
  const ds = await new DataSource(
    databaseOptions(toAppConfig(validateEnv({ NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' }))),
  ).initialize();
  await migrate(ds, { log() {} });
  await ds.destroy();
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
