import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { close, open, read } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheBackend, type WriteGuard } from '../cache-backend.port.js';

/** A temp file older than this was left by a writer that died between write and rename. */
const STALE_TEMP_MS = 60_000;
/** A prune brings the directory down to this share of the bound, so it does not run on every write. */
const PRUNE_TARGET = 0.8;

export interface FileCacheOptions {
  readonly dir: string;
  /** The directory's bound: entry bytes above it are evicted, soonest to expire first. */
  readonly maxBytes: number;
}

/**
 * One file per key under CACHE_DIR (`<2 hex>/<sha256 of the key>`, so no key ever becomes a
 * path), mode 0600: entries hold personal data. A file is `<expiry ms>\n<value>`; its mtime is
 * set to the expiry too, so a prune orders and expires files from `stat` alone. Writes go to a
 * temp file renamed into place (atomic: a reader sees the old file or the new, never half of
 * one). An unreadable or malformed file is a miss and is removed.
 *
 * The size bound is kept by pruning when this process's estimate of the total (the last scan
 * plus what it wrote since) passes `maxBytes`: expired and stale temp files go first, then the
 * files closest to expiry. Several processes sharing the directory each keep their own
 * estimate, so between scans the total can pass the bound by what the others wrote since.
 * Generations (written by the cache with the longest TTL) are thereby the last to go.
 */
export class FileCacheBackend extends CacheBackend {
  readonly kind = 'file';
  private readonly logger = new Logger('FileCache');
  private knownBytes: number | null = null;
  private writtenSinceScan = 0;
  private pruning: Promise<void> | null = null;

  constructor(private readonly options: FileCacheOptions) {
    super();
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(keys.map((key) => this.read(key)));
  }

  async set(key: string, value: string, ttlMs: number, guards: readonly WriteGuard[] = []): Promise<void> {
    const path = this.pathOf(key);
    const expiresAt = Date.now() + ttlMs;
    const body = `${expiresAt}\n${value}`;
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    await writeFile(temp, body, { mode: 0o600 });
    try {
      await utimes(temp, new Date(), new Date(expiresAt));
      const current = await this.getMany(guards.map((g) => g.key));
      if (guards.some((g, i) => current[i] !== g.expected)) {
        await unlink(temp);
        return;
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    this.writtenSinceScan += Buffer.byteLength(body);
    this.pruneIfOver();
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => unlink(this.pathOf(key)).catch(ignoreMissing)));
  }

  /** Resolves when no prune is running (tests and shutdown). */
  override async close(): Promise<void> {
    await this.pruning;
  }

  private pathOf(key: string): string {
    const hash = createHash('sha256').update(key).digest('hex');
    return join(this.options.dir, hash.slice(0, 2), hash);
  }

  private async read(key: string): Promise<string | null> {
    const path = this.pathOf(key);
    const text = await readSmall(path);
    if (text === null) {
      return null;
    }
    const newline = text.indexOf('\n');
    const expiresAt = newline > 0 ? Number(text.slice(0, newline)) : NaN;
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= Date.now()) {
      // Expired or corrupt: a miss either way; the file goes (a rename since may have replaced it,
      // which costs one miss at worst).
      void unlink(path).catch(() => undefined);
      return null;
    }
    return text.slice(newline + 1);
  }

  private pruneIfOver(): void {
    if (this.pruning || (this.knownBytes !== null && this.knownBytes + this.writtenSinceScan <= this.options.maxBytes)) {
      return;
    }
    this.pruning = this.prune()
      .catch((error: unknown) => this.logger.warn(`prune of ${this.options.dir} failed: ${String(error)}`))
      .finally(() => {
        this.pruning = null;
        if (this.knownBytes !== null && this.knownBytes + this.writtenSinceScan > this.options.maxBytes) {
          this.pruneIfOver();
        }
      });
  }

  private async prune(): Promise<void> {
    this.writtenSinceScan = 0;
    const now = Date.now();
    const files: { path: string; size: number; expiresAt: number }[] = [];
    for (const sub of await readdir(this.options.dir).catch(() => [] as string[])) {
      const subdir = join(this.options.dir, sub);
      for (const name of await readdir(subdir).catch(() => [] as string[])) {
        const path = join(subdir, name);
        const info = await stat(path).catch(() => null);
        if (!info?.isFile()) {
          continue;
        }
        const temp = name.endsWith('.tmp');
        if ((temp && now - info.ctimeMs > STALE_TEMP_MS) || (!temp && info.mtimeMs <= now)) {
          await unlink(path).catch(ignoreMissing);
        } else {
          files.push({ path, size: info.size, expiresAt: temp ? Infinity : info.mtimeMs });
        }
      }
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > this.options.maxBytes) {
      files.sort((a, b) => a.expiresAt - b.expiresAt);
      for (const file of files) {
        if (total <= this.options.maxBytes * PRUNE_TARGET) {
          break;
        }
        if (file.expiresAt !== Infinity) {
          await unlink(file.path).catch(ignoreMissing);
          total -= file.size;
        }
      }
    }
    this.knownBytes = total;
  }
}

/** Entries are small: one read of this size takes a whole one; a larger file is read again whole. */
const READ_SIZE = 8192;

/**
 * A file's text, or null if it does not exist. Every lookup reads three files (entry and two
 * generations), so the common case costs two thread-pool round trips per file (open, read) and a
 * close that is not waited for, rather than readFile's four (open, fstat, read, close).
 */
function readSmall(path: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) {
        return openError.code === 'ENOENT' ? resolve(null) : reject(openError);
      }
      const buffer = Buffer.allocUnsafe(READ_SIZE);
      read(fd, buffer, 0, READ_SIZE, 0, (readError, n) => {
        close(fd, () => undefined);
        if (readError) {
          return reject(readError);
        }
        if (n < READ_SIZE) {
          return resolve(buffer.toString('utf8', 0, n));
        }
        readFile(path, 'utf8').then(resolve, (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(null) : reject(error)));
      });
    });
  });
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
    throw error;
  }
}
