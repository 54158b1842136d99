import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { initialiseIfNeeded } from './cluster-init.js';
import { attach } from './connection.js';
import { isInitialised, type Layout, layout, readPort } from './data-dir.js';
import { withFileLock } from './file-lock.js';
import { isPostmasterOf, readPostmasterPid } from './process-probe.js';
import { startServer, stopServer } from './server-process.js';

const LOCK_WAIT_MS = 60_000;

export interface EnsureEmbeddedPostgresOptions {
  /** Holds everything: the cluster (`cluster/`), `password`, `port`, `server.log`. */
  dataDir: string;
  /** Created if missing. Default `starter`. */
  database?: string;
  /** Progress lines (initialising, starting, attached). */
  log?: (line: string) => void;
}

export interface EmbeddedPostgresConnection {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`: contains the password. */
  url: string;
  /** True when this call initialised or started the server; false when it was already running. */
  startedHere: boolean;
  port: number;
}

export interface EmbeddedPostgresStatus {
  dataDir: string;
  initialised: boolean;
  running: boolean;
  /** The port it runs on, or will run on when started; null before the first start. */
  port: number | null;
  pid: number | null;
}

/** Calls in this process for the same data dir share one attempt instead of queueing on the lock. */
const inFlight = new Map<string, Promise<EmbeddedPostgresConnection>>();

/**
 * A running PostgreSQL for `dataDir`, initialised on first use and started if stopped. The
 * server is detached: it outlives the calling process, so the next `nest start` or test run
 * attaches to it in milliseconds (stop it with `stopEmbeddedPostgres`, `npm run db:stop`).
 */
export function ensureEmbeddedPostgres(options: EnsureEmbeddedPostgresOptions): Promise<EmbeddedPostgresConnection> {
  const paths = layout(options.dataDir);
  const key = `${paths.dataDir}\0${options.database ?? 'starter'}`;
  const pending = inFlight.get(key);
  if (pending) {
    return pending;
  }
  const attempt = ensure(paths, options.database ?? 'starter', options.log ?? (() => undefined)).finally(() => inFlight.delete(key));
  inFlight.set(key, attempt);
  return attempt;
}

async function ensure(paths: Layout, database: string, log: (line: string) => void): Promise<EmbeddedPostgresConnection> {
  const fast = await attach(paths, database);
  if (fast.kind === 'ours') {
    return { url: fast.url, startedHere: false, port: fast.port };
  }
  await mkdir(paths.dataDir, { recursive: true });
  return withFileLock(paths.lockFile, LOCK_WAIT_MS, async () => {
    // Whoever held the lock before us may have just started it (a port found foreign above is
    // not asked again: a silent listener would cost another connect timeout).
    const again = await attach(paths, database, undefined, fast.kind === 'foreign' ? fast.port : undefined);
    if (again.kind === 'ours') {
      return { url: again.url, startedHere: false, port: again.port };
    }
    await initialiseIfNeeded(paths, log);
    const port = await startServer(paths, log);
    const started = await attach(paths, database, port);
    if (started.kind !== 'ours') {
      throw new Error(
        `Embedded PostgreSQL in ${paths.cluster} started on port ${port} but does not accept our password ` +
          `(${paths.passwordFile}). Reset it with \`npm run db:reset\` (deletes its data).`,
      );
    }
    return { url: started.url, startedHere: true, port };
  });
}

/** Stops the server of `dataDir` (fast shutdown: running queries are cancelled). True if it was running. */
export function stopEmbeddedPostgres(dataDir: string): Promise<boolean> {
  return stopServer(layout(dataDir));
}

/** Stops the server and deletes the whole data directory (cluster, password, port, log). */
export async function resetEmbeddedPostgres(dataDir: string): Promise<void> {
  const paths = layout(dataDir);
  if (!existsSync(paths.dataDir)) {
    return;
  }
  await withFileLock(paths.lockFile, LOCK_WAIT_MS, async () => {
    await stopEmbeddedPostgres(paths.dataDir);
    await rm(paths.dataDir, { recursive: true, force: true });
  });
}

/** Whether the cluster of `dataDir` exists and runs, and on which port; for logs and scripts. */
export async function embeddedPostgresStatus(dataDir: string): Promise<EmbeddedPostgresStatus> {
  const paths = layout(dataDir);
  const pidFile = await readPostmasterPid(paths.cluster);
  const running = pidFile !== null && (await isPostmasterOf(pidFile.pid, paths.cluster));
  return {
    dataDir: paths.dataDir,
    initialised: isInitialised(paths),
    running,
    port: running && pidFile.port !== null ? pidFile.port : await readPort(paths),
    pid: running ? pidFile.pid : null,
  };
}
