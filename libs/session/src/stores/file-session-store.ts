import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, opendir, readdir, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SessionLifetime, type SessionRecord, expiresAt } from '../session-record.js';
import { assertValidSessionId, isValidSessionId } from '../session-id.js';
import { SessionIdConflictError, SessionStore, type UserSession } from '../session-store.port.js';
import { isNotFound } from './file-io.js';
import { FileRecordReader } from './file-record-reader.js';
import { FileUserIndex } from './file-user-index.js';
import { SignedRecordFormat } from './signed-record.js';

/*
 * Why our own: session-file-store (the usual choice) has had no release since 2022, builds
 * paths from unvalidated ids, writes files in place (a crash leaves half a record) and cannot
 * list a user's sessions without reading every file.
 *
 * Layout under `dir`:
 *   s/<id>/record.json   the session (mode 0600), replaced atomically: temp file + rename
 *   u/<sha256(userId)>/<id>   empty marker files: the per-user index
 *   trash/               destroyed sessions on their way out
 *
 * No resurrection without locks: a session is a directory, and destroy() renames that
 * directory away (atomic). A late set() writes its temp file inside `s/<id>/` and renames it
 * to `s/<id>/record.json`; once the directory is gone both steps fail with ENOENT, so the
 * write is dropped, even across processes sharing the directory.
 *
 * Each record is bound to its id with an HMAC (keyed from the session secrets), so a file
 * copied or renamed to another id, or edited by hand, reads as no session.
 *
 * File format: see signed-record.ts. Every file operation is asynchronous (the libuv thread
 * pool): never a blocking call on the request path. Reads skip re-reading a file that has not
 * changed: see file-record-reader.ts. Expiry is checked on every read.
 */

const RECORD = 'record.json';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface FileSessionStoreOptions {
  dir: string;
  lifetime: SessionLifetime;
  /** Session secrets, newest first: the newest signs, all verify. */
  secrets: readonly string[];
}

export class FileSessionStore extends SessionStore {
  private readonly logger = new Logger('FileSessionStore');
  private readonly format: SignedRecordFormat;
  private readonly reader: FileRecordReader;
  private readonly userIndex: FileUserIndex;
  private ready?: Promise<void>;

  constructor(private readonly options: FileSessionStoreOptions) {
    super();
    this.format = new SignedRecordFormat(options.secrets);
    this.reader = new FileRecordReader(this.format, this.logger);
    this.userIndex = new FileUserIndex(join(options.dir, 'u'));
  }

  async get(id: string): Promise<SessionRecord | null> {
    if (!isValidSessionId(id)) {
      return null;
    }
    const record = await this.read(id);
    if (record && expiresAt(record, this.options.lifetime) <= Date.now()) {
      await this.destroy(id);
      return null;
    }
    return record;
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    assertValidSessionId(id);
    await this.init();
    try {
      await mkdir(this.sessionDir(id), { mode: DIR_MODE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new SessionIdConflictError();
      }
      throw error;
    }
    await this.writeRecord(id, record);
    if (record.userId) {
      await this.userIndex.add(record.userId, id);
    }
  }

  async set(id: string, record: SessionRecord): Promise<boolean> {
    assertValidSessionId(id);
    const current = await this.read(id);
    if (!current) {
      return false;
    }
    if (!(await this.writeRecord(id, record))) {
      return false;
    }
    if (current.userId !== record.userId) {
      if (current.userId) {
        await this.userIndex.remove(current.userId, id);
      }
      if (record.userId) {
        await this.userIndex.add(record.userId, id);
      }
    }
    return true;
  }

  async touch(id: string, lastSeenAt: number): Promise<boolean> {
    assertValidSessionId(id);
    const current = await this.get(id);
    if (!current) {
      return false;
    }
    return this.writeRecord(id, { ...current, lastSeenAt });
  }

  async destroy(id: string): Promise<void> {
    assertValidSessionId(id);
    await this.init();
    const doomed = join(this.options.dir, 'trash', `${id}.${randomBytes(6).toString('hex')}`);
    try {
      await rename(this.sessionDir(id), doomed);
    } catch (error) {
      if (isNotFound(error)) {
        return;
      }
      throw error;
    }
    const record = await this.reader.readFile(join(doomed, RECORD), id).catch(() => null);
    this.reader.forget(id);
    if (record?.userId) {
      await this.userIndex.remove(record.userId, id);
    }
    await rm(doomed, { recursive: true, force: true });
  }

  async listByUser(userId: string): Promise<UserSession[]> {
    const out: UserSession[] = [];
    for (const id of await this.userIndex.list(userId)) {
      const record = await this.get(id);
      if (record?.userId === userId) {
        out.push({ id, record });
      } else {
        await this.userIndex.remove(userId, id);
      }
    }
    return out;
  }

  async destroyByUser(userId: string, exceptId?: string): Promise<number> {
    let count = 0;
    for (const id of await this.userIndex.list(userId)) {
      if (id === exceptId) {
        continue;
      }
      const record = await this.read(id);
      await this.userIndex.remove(userId, id);
      if (record?.userId === userId) {
        await this.destroy(id);
        count++;
      }
    }
    return count;
  }

  /**
   * Deletes expired and unreadable sessions, streaming the directory and working on at most
   * `concurrency` files at a time so a large store never blocks the event loop or floods the
   * disk. The worker runs it as the scheduled `sessions.reap` job; returns how many went.
   */
  override async reapExpired(concurrency = 8): Promise<number> {
    await this.init();
    let removed = 0;
    const inFlight = new Set<Promise<void>>();
    const dir = await opendir(join(this.options.dir, 's'));
    for await (const entry of dir) {
      if (!entry.isDirectory() || !isValidSessionId(entry.name)) {
        continue;
      }
      const id = entry.name;
      const task = this.reapOne(id)
        .then((gone) => {
          removed += gone ? 1 : 0;
        })
        .catch((error: unknown) => this.logger.warn(`reaping ${id.slice(0, 6)}… failed: ${String(error)}`))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
    await this.emptyTrash();
    return removed;
  }

  private async reapOne(id: string): Promise<boolean> {
    const record = await this.read(id);
    if (record && expiresAt(record, this.options.lifetime) > Date.now()) {
      return false;
    }
    if (!record) {
      // A directory without a readable record may be a create() in progress: give it a minute.
      const info = await stat(this.sessionDir(id)).catch(() => null);
      if (info && Date.now() - info.mtimeMs < 60_000) {
        return false;
      }
    }
    await this.destroy(id);
    return true;
  }

  private async emptyTrash(): Promise<void> {
    const trash = join(this.options.dir, 'trash');
    for (const name of await readdir(trash).catch(() => [])) {
      await rm(join(trash, name), { recursive: true, force: true });
    }
  }

  private init(): Promise<void> {
    this.ready ??= Promise.all(
      ['s', 'u', 'trash'].map((sub) => mkdir(join(this.options.dir, sub), { recursive: true, mode: DIR_MODE })),
    ).then(() => undefined);
    return this.ready;
  }

  private sessionDir(id: string): string {
    return join(this.options.dir, 's', id);
  }

  private read(id: string): Promise<SessionRecord | null> {
    return this.reader.read(join(this.sessionDir(id), RECORD), id);
  }

  /** Atomic replace; resolves false if the session directory no longer exists (destroyed). */
  private async writeRecord(id: string, record: SessionRecord): Promise<boolean> {
    const body = this.format.encode(id, JSON.stringify(record));
    const dir = this.sessionDir(id);
    const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, body, { mode: FILE_MODE, flag: 'wx' });
      // A fresh mtime with a random sub-second part: the file's identity changes with every
      // write even when the clock is coarse and the inode number is reused (file-record-reader.ts).
      const seconds = Math.floor(Date.now() / 1000) + randomBytes(4).readUInt32BE() / 2 ** 32;
      await utimes(temp, seconds, seconds);
      await rename(temp, join(dir, RECORD));
      return true;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (isNotFound(error)) {
        return false;
      }
      throw error;
    }
  }
}
