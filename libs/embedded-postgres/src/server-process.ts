import { spawn } from 'node:child_process';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadBinaries, runAs, serverEnv } from './binaries.js';
import { acceptsConnections } from './connection.js';
import { type Layout, readPassword, readPort, writePort } from './data-dir.js';
import { choosePort, freePort } from './ports.js';
import { isPostmasterOf, pidAlive, processesIn, readPostmasterPid } from './process-probe.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/** Starts the cluster's server, detached, unless a postmaster of this cluster is already up. */
export async function startServer(paths: Layout, log: (line: string) => void): Promise<number> {
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
      env: serverEnv(),
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

/** Stops the cluster's server (fast shutdown: running queries are cancelled). True if it was running. */
export async function stopServer(paths: Layout): Promise<boolean> {
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
