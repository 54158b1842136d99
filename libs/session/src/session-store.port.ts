import type { SessionRecord } from './session-record.js';

export interface UserSession {
  id: string;
  record: SessionRecord;
}

/**
 * Where sessions live. Every implementation runs the same conformance suite
 * (`libs/session/test/session-store.conformance.ts`) and keeps these promises:
 *
 * - **Ids** are validated (`isValidSessionId`) before any key or path is built from them.
 * - **Expiry is the store's job**: a record past its idle deadline (`lastSeenAt + idle`) or its
 *   absolute deadline (`createdAt + absolute`) is never returned, whatever any cookie says.
 * - **No resurrection**: `set` and `touch` only update an existing session. Once a session is
 *   destroyed (logout, revoke, regenerate) a late write from a request still in flight is
 *   dropped, and reports `false`.
 * - **Corrupt data** (truncated, edited, foreign format) reads as `null`, never as an error.
 * - **Failures of the backing service** (Redis down, disk error) reject; callers turn that into
 *   a 503. They are never reported as "no session".
 * - **Per-user index**: `listByUser` and `destroyByUser` never scan the whole store.
 */
export abstract class SessionStore {
  /** The live record for `id`, or null if unknown, expired, corrupt, or `id` is malformed. */
  abstract get(id: string): Promise<SessionRecord | null>;

  /**
   * Stores a brand-new session. Rejects if `id` is malformed or already exists (ids come from
   * `generateSessionId`, so that means a bug, not bad luck).
   */
  abstract create(id: string, record: SessionRecord): Promise<void>;

  /**
   * Replaces the record of an existing session (update-only). Resolves false, writing nothing,
   * if the session no longer exists. Moves it between users' indexes if `userId` changed.
   */
  abstract set(id: string, record: SessionRecord): Promise<boolean>;

  /**
   * Slides the idle deadline: records `lastSeenAt` without rewriting the data. Update-only,
   * like `set`; resolves false if the session no longer exists.
   */
  abstract touch(id: string, lastSeenAt: number): Promise<boolean>;

  /** Removes the session and its index entry. Destroying an unknown id is not an error. */
  abstract destroy(id: string): Promise<void>;

  /** The user's live sessions, from the per-user index; stale index entries are dropped. */
  abstract listByUser(userId: string): Promise<UserSession[]>;

  /** Destroys every session of the user except `exceptId`; resolves with how many ended. */
  abstract destroyByUser(userId: string, exceptId?: string): Promise<number>;

  /**
   * Removes expired records from a backend that keeps them (files); resolves with how many
   * went. The default suits backends that expire records themselves (Redis TTLs, memory on
   * read) and does nothing. Runs off the request path, as the worker's `sessions.reap` job.
   */
  reapExpired(): Promise<number> {
    return Promise.resolve(0);
  }
}

/** `create` found the id taken. */
export class SessionIdConflictError extends Error {
  constructor() {
    super('session id already exists');
    this.name = 'SessionIdConflictError';
  }
}
