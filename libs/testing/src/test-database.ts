import { processEnv } from '@app/config';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where test databases are created. CI and this machine use the local trust-auth PostgreSQL. */
export function testServerUrl(): string {
  return processEnv().TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file, so files run in parallel without sharing rows.
 * Never skipped: if PostgreSQL is not reachable the test fails, which is what CI must see.
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Replaces the host and port of a connection URL (to route it through a TcpProxy). */
export function withHostPort(connectionUrl: string, host: string, port: number): string {
  const url = new URL(connectionUrl);
  url.hostname = host;
  url.port = String(port);
  return url.toString();
}
