import { type SessionLifetime, type SessionRecord, expiresAt, parseRecord } from '../session-record.js';
import { assertValidSessionId, isValidSessionId } from '../session-id.js';
import { SessionIdConflictError, SessionStore, type UserSession } from '../session-store.port.js';

/**
 * In-process store for unit tests. Refused in production by config validation: it is lost on
 * restart and invisible to other processes. Records are kept serialised, like in the real
 * stores, so callers can never mutate stored state by reference and corrupt data can be tested.
 */
export class MemorySessionStore extends SessionStore {
  private readonly byUser = new Map<string, Set<string>>();

  /** @param sessions the backing map (id to record JSON); a test may pass its own to inspect it. */
  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly sessions: Map<string, string> = new Map(),
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async get(id: string): Promise<SessionRecord | null> {
    if (!isValidSessionId(id)) {
      return null;
    }
    const json = this.sessions.get(id);
    if (json === undefined) {
      return null;
    }
    const record = parseRecord(json);
    if (!record || expiresAt(record, this.lifetime) <= this.now()) {
      await this.destroy(id);
      return null;
    }
    return record;
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    assertValidSessionId(id);
    if (this.sessions.has(id)) {
      throw new SessionIdConflictError();
    }
    this.write(id, record);
  }

  // set and touch check and write without an await in between: that is what makes them
  // atomic here, as the Lua scripts and the directory renames do in the other stores.
  async set(id: string, record: SessionRecord): Promise<boolean> {
    assertValidSessionId(id);
    if (!this.liveRecord(id)) {
      return false;
    }
    this.write(id, record);
    return true;
  }

  async touch(id: string, lastSeenAt: number): Promise<boolean> {
    assertValidSessionId(id);
    const record = this.liveRecord(id);
    if (!record) {
      return false;
    }
    this.sessions.set(id, JSON.stringify({ ...record, lastSeenAt }));
    return true;
  }

  private liveRecord(id: string): SessionRecord | null {
    const json = this.sessions.get(id);
    const record = json === undefined ? null : parseRecord(json);
    return record && expiresAt(record, this.lifetime) > this.now() ? record : null;
  }

  async destroy(id: string): Promise<void> {
    assertValidSessionId(id);
    const json = this.sessions.get(id);
    this.sessions.delete(id);
    const userId = json === undefined ? undefined : parseRecord(json)?.userId;
    if (userId) {
      this.byUser.get(userId)?.delete(id);
    }
  }

  async listByUser(userId: string): Promise<UserSession[]> {
    const out: UserSession[] = [];
    for (const id of [...(this.byUser.get(userId) ?? [])]) {
      const record = await this.get(id);
      if (record?.userId === userId) {
        out.push({ id, record });
      } else {
        this.byUser.get(userId)?.delete(id);
      }
    }
    return out;
  }

  async destroyByUser(userId: string, exceptId?: string): Promise<number> {
    let count = 0;
    for (const { id } of await this.listByUser(userId)) {
      if (id !== exceptId) {
        await this.destroy(id);
        count++;
      }
    }
    return count;
  }

  private write(id: string, record: SessionRecord): void {
    const json = this.sessions.get(id);
    const previous = json === undefined ? undefined : parseRecord(json)?.userId;
    if (previous && previous !== record.userId) {
      this.byUser.get(previous)?.delete(id);
    }
    this.sessions.set(id, JSON.stringify(record));
    if (record.userId) {
      const set = this.byUser.get(record.userId) ?? new Set<string>();
      set.add(id);
      this.byUser.set(record.userId, set);
    }
  }
}
