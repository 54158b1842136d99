import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive } from './process-probe.js';

/** Nobody legitimately holds the lock this long (initdb plus a start take a few seconds). */
const STALE_AFTER_MS = 120_000;

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid), so two
 * processes never initialise or start the same cluster at once. A lock whose pid is dead, or
 * that is older than any real holder could be (the pid was reused after a crash), is stale and
 * taken over. Waits at most `waitMs`, then fails with a message naming the file.
 */
export async function withFileLock<T>(lockPath: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryCreate(lockPath)) {
      break;
    }
    const holder = await readHolder(lockPath);
    if (holder && (!pidAlive(holder.pid) || Date.now() - holder.mtimeMs > STALE_AFTER_MS)) {
      await takeOverStale(lockPath, holder.pid);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${Math.round(waitMs / 1000)} s waiting for ${lockPath}` +
          (holder ? `, held by pid ${holder.pid}` : '') +
          '. If no other process is starting this embedded PostgreSQL, delete that file and try again.',
      );
    }
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    // The holder may have deleted the whole data directory (reset): nothing left to release.
    await unlink(lockPath).catch(() => undefined);
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

async function readHolder(lockPath: string): Promise<{ pid: number; mtimeMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    // A lock caught between create and write reads empty: treat it as fresh and alive.
    const pid = Number.parseInt(text, 10);
    return { pid: Number.isNaN(pid) ? process.pid : pid, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Moves the stale lock aside before deleting it, so two processes that both saw it stale cannot
 * delete each other's fresh lock: only one rename succeeds, and if what it moved turns out to be
 * someone's new lock, it is put back unless yet another lock took its place.
 */
async function takeOverStale(lockPath: string, stalePid: number): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = Number.parseInt(await readFile(aside, 'utf8').catch(() => ''), 10);
  if (!Number.isNaN(moved) && moved !== stalePid && pidAlive(moved)) {
    // link, unlike rename, fails instead of replacing a lock created in the meantime.
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}
