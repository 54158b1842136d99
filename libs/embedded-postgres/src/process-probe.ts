import { execFile } from 'node:child_process';
import { readdir, readlink, readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Whether a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a live postmaster serving `clusterDir`. A pid alone proves nothing after a
 * crash or a reboot: the number may now belong to an unrelated process, which is exactly what
 * makes PostgreSQL refuse to start ("lock file postmaster.pid already exists"). The postmaster
 * chdirs into its data directory, so on Linux its cwd identifies it; a zombie has no cwd and
 * counts as dead (PID 1 in a container does not always reap). Elsewhere `ps` shows `-D <dir>`.
 */
export async function isPostmasterOf(pid: number, clusterDir: string): Promise<boolean> {
  if (!pidAlive(pid)) {
    return false;
  }
  const expected = await realpath(clusterDir).catch(() => clusterDir);
  if (process.platform === 'linux') {
    try {
      return (await readlink(`/proc/${pid}/cwd`)) === expected;
    } catch {
      return false;
    }
  }
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'command=', '-p', String(pid)]);
    return stdout.includes(expected) || stdout.includes(clusterDir);
  } catch {
    return false;
  }
}

export interface PostmasterPidFile {
  pid: number;
  port: number | null;
}

/** The first lines of `postmaster.pid`: pid, data dir, start time, port (PostgreSQL's own format). */
export async function readPostmasterPid(clusterDir: string): Promise<PostmasterPidFile | null> {
  let text: string;
  try {
    text = await readFile(`${clusterDir}/postmaster.pid`, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  return { pid: Number.isNaN(pid) ? 0 : pid, port: Number.isNaN(port) ? null : port };
}

/**
 * Live processes whose working directory is `clusterDir` (a postmaster and its backends all run
 * there). Linux only; elsewhere the list is empty and PostgreSQL's own checks apply.
 */
export async function processesIn(clusterDir: string): Promise<number[]> {
  if (process.platform !== 'linux') {
    return [];
  }
  const expected = await realpath(clusterDir).catch(() => clusterDir);
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (pid) => ((await readlink(`/proc/${pid}/cwd`).catch(() => '')) === expected ? Number(pid) : 0)),
  );
  return found.filter((pid) => pid > 0);
}
