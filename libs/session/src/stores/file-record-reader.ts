import type { Logger } from '@nestjs/common';
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type SessionRecord, parseRecord } from '../session-record.js';
import { type FileIdentity, isNotFound, readWhole, sameFile } from './file-io.js';
import type { SignedRecordFormat } from './signed-record.js';
import { TurnBatch } from './turn-batch.js';

/** How many verified records a store remembers (oldest forgotten first). */
const REMEMBERED_MAX = 4096;

/**
 * The file store's record reads. Each operation on the thread pool costs a round trip between
 * threads, and a page view reads its session far more often than it changes it. So the reader
 * remembers, per id, the record JSON it last read and verified together with the identity of
 * the file it came from (inode, size, mtime to the nanosecond, from fstat on the descriptor it
 * read). A read first stats the file: same identity, the remembered JSON is parsed (one
 * thread-pool operation); otherwise open, fstat, read, verify, remember. The store replaces the
 * file by a new inode on every write (temp file + rename) whose mtime is set to a value with a
 * random sub-second part first, so a rewrite cannot keep the identity even when the file
 * system's clock is coarse and the inode number is reused. What is remembered was
 * HMAC-verified for this id; a destroyed session has no file (stat fails) and reads as none at
 * once, in this process and in any other sharing the directory.
 *
 * The stats of one event-loop turn are issued together at its end and their results delivered
 * together, so the requests waiting on them carry on (and answer) in one burst rather than one
 * wake-up each: about 12 % less CPU per session read under load (docs/benchmarks.md).
 */
export class FileRecordReader {
  /** id -> the verified record JSON last read, and the identity of its file. */
  private readonly remembered = new Map<string, FileIdentity & { json: string }>();
  private readonly stats = new TurnBatch<string, BigIntStats>((batch) => {
    void Promise.allSettled(batch.map(({ input: path }) => stat(path, { bigint: true }))).then((results) => {
      results.forEach((result, i) => (result.status === 'fulfilled' ? batch[i].resolve(result.value) : batch[i].reject(result.reason)));
    });
  });

  constructor(
    private readonly format: SignedRecordFormat,
    private readonly logger: Logger,
  ) {}

  /** The record of `id` stored at `path`; null when there is no file or it fails its checks. */
  async read(path: string, id: string): Promise<SessionRecord | null> {
    try {
      const known = this.remembered.get(id);
      if (known) {
        const info = await this.stats.request(path);
        if (sameFile(known, info)) {
          return parseRecord(known.json);
        }
      }
      return await this.readFile(path, id);
    } catch (error) {
      if (isNotFound(error)) {
        this.remembered.delete(id);
        return null;
      }
      throw error;
    }
  }

  /** Reads and verifies the file itself, never the remembered copy; throws ENOENT as it comes. */
  async readFile(path: string, id: string): Promise<SessionRecord | null> {
    const { bytes, identity } = await readWhole(path);
    this.remembered.delete(id);
    const json = this.format.decode(id, bytes);
    if (json === null) {
      this.logger.warn(`session file failed its integrity check (id ${id.slice(0, 6)}…)`);
      return null;
    }
    const record = parseRecord(json);
    if (!record) {
      this.logger.warn(`unreadable session file dropped (id ${id.slice(0, 6)}…)`);
      return null;
    }
    this.remember(id, identity, json);
    return record;
  }

  forget(id: string): void {
    this.remembered.delete(id);
  }

  private remember(id: string, identity: FileIdentity, json: string): void {
    if (this.remembered.size >= REMEMBERED_MAX) {
      this.remembered.delete(this.remembered.keys().next().value as string);
    }
    this.remembered.set(id, { ...identity, json });
  }
}
