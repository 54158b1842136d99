import { resolve } from 'node:path';
import pg from 'pg';
import { type Layout, readPassword, readPort, SUPERUSER } from './data-dir.js';

export type Attach = { kind: 'ours'; url: string; port: number } | { kind: 'down' } | { kind: 'foreign'; port: number };

/** A superuser client of the `postgres` database on loopback; its late errors are ours to ignore. */
function superuserClient(port: number, password: string, connectionTimeoutMillis: number): pg.Client {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis });
  client.on('error', () => undefined);
  return client;
}

/**
 * Connects to the remembered port with our password and checks the server's data directory,
 * so a port taken over by another PostgreSQL (or anything else) is never mistaken for ours.
 */
export async function attach(paths: Layout, database: string, portOverride?: number, foreignPort?: number): Promise<Attach> {
  const [password, port] = await Promise.all([readPassword(paths), portOverride ?? readPort(paths)]);
  if (password === null || port === null) {
    return { kind: 'down' };
  }
  if (port === foreignPort) {
    return { kind: 'foreign', port };
  }
  const client = superuserClient(port, password, 3000);
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Refused: nothing listens. 57P03: ours (or not) still starting; the caller waits or starts.
    if (code === 'ECONNREFUSED' || code === '57P03' || code === 'ECONNRESET' || code === '57P01') {
      return { kind: 'down' };
    }
    return { kind: 'foreign', port };
  }
  try {
    const { rows } = await client.query<{ dir: string; has: boolean }>(
      'select current_setting($1) as dir, exists(select 1 from pg_database where datname = $2) as has',
      ['data_directory', database],
    );
    if (resolve(rows[0].dir) !== paths.cluster) {
      return { kind: 'foreign', port };
    }
    if (!rows[0].has) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04' && error.code !== '23505') {
          throw error;
        }
      });
    }
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return { kind: 'ours', url, port };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Accepting connections, as opposed to refusing them or answering "starting up" (57P03). */
export async function acceptsConnections(port: number, password: string | null): Promise<boolean> {
  const client = superuserClient(port, password ?? '', 2000);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 28P01 (bad password) still means a server is up and authenticating; attach() then says
    // whether it is ours.
    return code === '28P01' || code === '28000';
  }
}
