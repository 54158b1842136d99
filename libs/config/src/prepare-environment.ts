import { ensureEmbeddedPostgres } from '@app/embedded-postgres';
import dotenv from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { projectRoot } from './project-root.js';

/** Where the project's own PostgreSQL lives when DATABASE_URL is unset (development and test). */
export const EMBEDDED_DATA_DIR = '.data/postgres';

export interface PrepareEnvironmentOptions {
  /** The `.env` file that fills what the environment leaves unset. Default: `.env` in the working directory, as Nest's ConfigModule reads it. */
  envFile?: string;
  /**
   * Default true: put the embedded server's URL into DATABASE_URL, for the config this process
   * validates next. The `npm start` supervisor passes false: its api and worker attach on their own
   * and so still say "embedded" in their logs.
   */
  exportDatabaseUrl?: boolean;
  /** Progress of a first start (initdb takes about a second). Default: stderr. */
  log?: (line: string) => void;
}

export interface EmbeddedDatabase {
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  readonly port: number;
  readonly url: string;
  /** This call started the server (it was not running); otherwise it attached to a running one. */
  readonly startedHere: boolean;
}

export interface PreparedEnvironment {
  /** Set when DATABASE_URL was unset outside production and the embedded server is used. */
  readonly embeddedDatabase?: EmbeddedDatabase;
  /** The boot log line saying which database is used: `database: ...`, never with a password. */
  readonly databaseLine: string;
}

/**
 * The one asynchronous step every entry point (api, worker, CLI, migration CLI, `npm start`) runs
 * before its configuration is validated: read `.env` into the environment (only what the real
 * environment leaves unset, as Nest's ConfigModule does) and, outside production, when
 * DATABASE_URL is unset, start the project's embedded PostgreSQL in `.data/postgres`, or attach
 * to it when another process already started it. Production is left alone: there an unset
 * DATABASE_URL stops the app at validation.
 */
export async function prepareEnvironment(options: PrepareEnvironmentOptions = {}): Promise<PreparedEnvironment> {
  loadEnvFile(resolve(options.envFile ?? '.env'));
  const env = process.env;
  const nodeEnv = env.NODE_ENV || 'development';
  if (env.DATABASE_URL || nodeEnv === 'production') {
    return { databaseLine: `database: ${describeDatabaseUrl(env.DATABASE_URL)}` };
  }
  const dataDir = join(projectRoot(), EMBEDDED_DATA_DIR);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { url, port, startedHere } = await ensureEmbeddedPostgres({ dataDir, database: 'starter', log });
  if (options.exportDatabaseUrl ?? true) {
    env.DATABASE_URL = url;
  }
  const shown = relative(projectRoot(), dataDir) || dataDir;
  return {
    embeddedDatabase: { dataDir, port, url, startedHere },
    databaseLine: `database: embedded PostgreSQL at ${shown} (port ${port})`,
  };
}

function loadEnvFile(path: string): void {
  if (!existsSync(path)) {
    return;
  }
  const parsed = dotenv.parse(readFileSync(path));
  for (const [name, value] of Object.entries(parsed)) {
    // An empty variable counts as unset everywhere in config (validateEnv); let .env fill it.
    if (!process.env[name]) {
      process.env[name] = value;
    }
  }
}

/** `postgres://user@host:port/db`: what a log may show of a connection URL (no password, no query). */
export function describeDatabaseUrl(url: string | undefined): string {
  if (!url) {
    return 'DATABASE_URL is unset';
  }
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${parsed.username}@` : '';
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL is not a valid URL';
  }
}
