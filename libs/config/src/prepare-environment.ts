import { ensureEmbeddedPostgres } from '@app/embedded-postgres';
import { join, relative } from 'node:path';
import { describeOrigins, loadLayers } from './config-layers.js';
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
  /**
   * Default true: write the layered configuration into the environment, where the config module
   * reads it. The `npm start` supervisor passes false and validates `env` instead: its api and
   * worker then read every layer themselves (and log where each variable came from).
   */
  exportEnvironment?: boolean;
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
  /** For the boot log: which layer each variable that is not a default came from (never values). */
  readonly layerLines: readonly string[];
  /** Every layer merged (plus the embedded database's URL when exported): what validateEnv should see. */
  readonly env: Readonly<Record<string, string>>;
}

/** What this process wrote into the environment, so that a second call does not take it for the operator's. */
const applied = new Map<string, string>();

/**
 * The one asynchronous step every entry point (api, worker, CLI, migration CLI, `npm start`) runs
 * before its configuration is validated, and so before any Nest module is built:
 *   - the configuration layers (config-layers.ts: settings file, `.env`, `<NAME>_FILE`, AWS Secrets
 *     Manager, the environment), merged into the environment, all or nothing: any source failing
 *     throws a ConfigSourceError and nothing is applied;
 *   - outside production, when DATABASE_URL is unset, the project's embedded PostgreSQL in
 *     `.data/postgres`, started or attached to. Production is left alone: there an unset
 *     DATABASE_URL stops the app at validation.
 */
export async function prepareEnvironment(options: PrepareEnvironmentOptions = {}): Promise<PreparedEnvironment> {
  const own = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => applied.get(name) !== value));
  const { values, origins } = await loadLayers({ env: own, envFile: options.envFile ?? '.env' });
  const layerLines = describeOrigins(origins);
  const exported = options.exportEnvironment ?? true;
  if (exported) {
    for (const [name, value] of Object.entries(values)) {
      if (process.env[name] !== value) {
        process.env[name] = value;
        applied.set(name, value);
      }
    }
  }
  const nodeEnv = values.NODE_ENV || 'development';
  if (values.DATABASE_URL || nodeEnv === 'production') {
    return { databaseLine: `database: ${describeDatabaseUrl(values.DATABASE_URL)}`, layerLines, env: values };
  }
  const dataDir = join(projectRoot(), EMBEDDED_DATA_DIR);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { url, port, startedHere } = await ensureEmbeddedPostgres({ dataDir, database: 'starter', log });
  const exportUrl = options.exportDatabaseUrl ?? true;
  if (exportUrl && exported) {
    process.env.DATABASE_URL = url;
    applied.set('DATABASE_URL', url);
  }
  const shown = relative(projectRoot(), dataDir) || dataDir;
  return {
    embeddedDatabase: { dataDir, port, url, startedHere },
    databaseLine: `database: embedded PostgreSQL at ${shown} (port ${port})`,
    layerLines,
    env: exportUrl ? { ...values, DATABASE_URL: url } : values,
  };
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
