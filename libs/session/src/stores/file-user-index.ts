import { createHash } from 'node:crypto';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidSessionId } from '../session-id.js';
import { isNotFound } from './file-io.js';

/**
 * The file store's per-user index: `<root>/<sha256(userId)>/<session id>`, empty marker files.
 * Listing a user's sessions reads one small directory instead of every session file. A marker
 * may outlive its session (the store drops stale ones when it meets them); the reverse never
 * happens, because a marker is written right after the session and removed before it is gone.
 */
export class FileUserIndex {
  constructor(private readonly root: string) {}

  async list(userId: string): Promise<string[]> {
    try {
      return (await readdir(this.dirOf(userId))).filter(isValidSessionId);
    } catch (error) {
      if (isNotFound(error)) {
        return [];
      }
      throw error;
    }
  }

  async add(userId: string, id: string): Promise<void> {
    const dir = this.dirOf(userId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, id), '', { mode: 0o600 });
  }

  async remove(userId: string, id: string): Promise<void> {
    await unlink(join(this.dirOf(userId), id)).catch((error: unknown) => {
      if (!isNotFound(error)) {
        throw error;
      }
    });
  }

  private dirOf(userId: string): string {
    return join(this.root, createHash('sha256').update(userId).digest('hex'));
  }
}
