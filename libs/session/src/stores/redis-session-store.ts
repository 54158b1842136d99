import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';
import { type SessionLifetime, type SessionRecord, expiresAt, parseRecord } from '../session-record.js';
import { assertValidSessionId, isValidSessionId } from '../session-id.js';
import { SessionIdConflictError, SessionStore, type UserSession } from '../session-store.port.js';
import { type Batched, TurnBatch } from './turn-batch.js';

/*
 * Why our own store rather than connect-redis: connect-redis keeps no per-user index (its
 * `all()` SCANs the whole keyspace, so "log out my other sessions" would too), and its `set` is
 * a plain SET that re-creates a key a concurrent logout just deleted. Here every write is a Lua
 * script, so "update only if it still exists" and the index update are one atomic step.
 *
 * Layout (P = key prefix):
 *   P sess:<id>   hash  r = record JSON, s = lastSeenAt, c = createdAt, u = userId
 *                       expires (PEXPIREAT) at the session's own deadline
 *   P user:<uid>  zset  member = session id, score = that session's deadline
 * Scripts build the index key from the stored user id, so this store targets a single Redis
 * (or a primary with replicas), not Redis Cluster.
 *
 * Commands are batched: every command issued during one turn of the event loop (the requests
 * whose bytes arrived together) is sent at the end of that turn with the socket corked, so the
 * batch leaves as one socket write and its replies mostly come back in one read, instead of a
 * write and a read each. Under load that halves the CPU Redis and this process spend per
 * request (measured in docs/benchmarks.md); alone, a command waits for at most the rest of the
 * current loop turn. The batch goes out as plain commands rather than an ioredis pipeline: a
 * pipeline object per batch cost about 8% of a session write's CPU here. Order is kept:
 * commands reach Redis in the order issued, and each still fails on its own (fail-fast when
 * disconnected, commandTimeout), so a request never waits on another one's error.
 */

const WRITE = `
local key = KEYS[1]
local mode, prefix, id, json, seen, created, user, deadline = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local exists = redis.call('EXISTS', key)
if mode == 'create' and exists == 1 then return -1 end
if mode == 'update' and exists == 0 then return 0 end
local old = redis.call('HGET', key, 'u')
if old and old ~= '' and old ~= user then redis.call('ZREM', prefix .. 'user:' .. old, id) end
redis.call('HSET', key, 'r', json, 's', seen, 'c', created, 'u', user)
redis.call('PEXPIREAT', key, deadline)
if user ~= '' then
  local idx = prefix .. 'user:' .. user
  redis.call('ZADD', idx, deadline, id)
  local last = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', idx, last[2])
end
return 1`;

const TOUCH = `
local key = KEYS[1]
local prefix, id, seen, idle, absolute = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local fields = redis.call('HMGET', key, 'c', 'u')
if not fields[1] then return 0 end
local deadline = math.min(seen + idle, tonumber(fields[1]) + absolute)
redis.call('HSET', key, 's', seen)
redis.call('PEXPIREAT', key, deadline)
if fields[2] and fields[2] ~= '' then
  local idx = prefix .. 'user:' .. fields[2]
  redis.call('ZADD', idx, 'XX', deadline, id)
  local last = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', idx, last[2]) end
end
return 1`;

const DESTROY = `
local user = redis.call('HGET', KEYS[1], 'u')
redis.call('DEL', KEYS[1])
if user and user ~= '' then redis.call('ZREM', ARGV[1] .. 'user:' .. user, ARGV[2]) end
return 1`;

/** Drops index entries whose session expired or vanished, then returns [id, json, seen, ...]. */
const LIST = `
local idx = KEYS[1]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[2])
local ids = redis.call('ZRANGE', idx, 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[1] .. 'sess:' .. id, 'r', 's')
  if f[1] then
    table.insert(out, id); table.insert(out, f[1]); table.insert(out, f[2])
  else
    redis.call('ZREM', idx, id)
  end
end
return out`;

const DESTROY_BY_USER = `
local idx = KEYS[1]
local ids = redis.call('ZRANGE', idx, 0, -1)
local n = 0
for _, id in ipairs(ids) do
  if id ~= ARGV[2] then
    n = n + redis.call('DEL', ARGV[1] .. 'sess:' .. id)
    redis.call('ZREM', idx, id)
  end
end
return n`;

type Arg = string | number;

/** The scripts, as ioredis adds them to the client (defineCommand). */
interface SessionCommands {
  sessionWrite(key: string, ...args: Arg[]): Promise<unknown>;
  sessionTouch(key: string, ...args: Arg[]): Promise<unknown>;
  sessionDestroy(key: string, prefix: string, id: string): Promise<unknown>;
  sessionList(key: string, prefix: string, now: number): Promise<unknown>;
  sessionDestroyByUser(key: string, prefix: string, exceptId: string): Promise<unknown>;
}

type SessionClient = Redis & SessionCommands;

/** How to issue one queued command on the client. */
type IssueCommand = (client: SessionClient) => Promise<unknown>;

export class RedisSessionStore extends SessionStore {
  private readonly logger = new Logger('RedisSessionStore');
  private readonly redis: Redis;
  /** Commands of this turn, sent together at its end (see the header comment). */
  private readonly commands = new TurnBatch<IssueCommand, unknown>((batch) => this.sendAll(batch));

  constructor(
    redis: Redis,
    private readonly lifetime: SessionLifetime,
    private readonly prefix: string,
  ) {
    super();
    const scripts: Array<[keyof SessionCommands, string]> = [
      ['sessionWrite', WRITE],
      ['sessionTouch', TOUCH],
      ['sessionDestroy', DESTROY],
      ['sessionList', LIST],
      ['sessionDestroyByUser', DESTROY_BY_USER],
    ];
    for (const [name, lua] of scripts) {
      if (!(name in redis)) {
        redis.defineCommand(name, { numberOfKeys: 1, lua });
      }
    }
    this.redis = redis;
  }

  private send<T>(issue: IssueCommand): Promise<T> {
    return this.commands.request(issue) as Promise<T>;
  }

  private sendAll(batch: Batched<IssueCommand, unknown>[]): void {
    // Corked, ioredis's writes of this batch leave as one socket write (see the header comment).
    const stream = batch.length > 1 && this.redis.status === 'ready' ? (this.redis as unknown as { stream?: Socket }).stream : undefined;
    stream?.cork();
    try {
      for (const { input: issue, resolve, reject } of batch) {
        try {
          issue(this.redis as SessionClient).then(resolve, reject);
        } catch (error) {
          reject(error); // a throw here would otherwise escape the setImmediate callback
        }
      }
    } finally {
      stream?.uncork();
    }
  }

  async get(id: string): Promise<SessionRecord | null> {
    if (!isValidSessionId(id)) {
      return null;
    }
    const [json, seen] = await this.send<Array<string | null>>((p) => p.hmget(this.key(id), 'r', 's'));
    if (json === null) {
      return null;
    }
    const record = parseRecord(json);
    if (!record) {
      this.logger.warn(`unreadable session record dropped (id ${id.slice(0, 6)}…)`);
      await this.destroy(id);
      return null;
    }
    const lastSeenAt = Number(seen);
    if (Number.isFinite(lastSeenAt) && lastSeenAt > record.lastSeenAt) {
      record.lastSeenAt = lastSeenAt;
    }
    // Redis expires the key on time; this guards against clock skew and edited TTLs.
    return expiresAt(record, this.lifetime) <= Date.now() ? null : record;
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    if ((await this.write('create', id, record)) === -1) {
      throw new SessionIdConflictError();
    }
  }

  async set(id: string, record: SessionRecord): Promise<boolean> {
    return (await this.write('update', id, record)) === 1;
  }

  async touch(id: string, lastSeenAt: number): Promise<boolean> {
    assertValidSessionId(id);
    const { idleTtlMs, absoluteTtlMs } = this.lifetime;
    const key = this.key(id);
    return (await this.send<number>((p) => p.sessionTouch(key, this.prefix, id, lastSeenAt, idleTtlMs, absoluteTtlMs))) === 1;
  }

  async destroy(id: string): Promise<void> {
    assertValidSessionId(id);
    const key = this.key(id);
    await this.send<number>((p) => p.sessionDestroy(key, this.prefix, id));
  }

  async listByUser(userId: string): Promise<UserSession[]> {
    const key = this.userKey(userId);
    const at = Date.now();
    const flat = await this.send<string[]>((p) => p.sessionList(key, this.prefix, at));
    const out: UserSession[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const record = parseRecord(flat[i + 1]);
      if (record && record.userId === userId && expiresAt(record, this.lifetime) > Date.now()) {
        const seen = Number(flat[i + 2]);
        if (Number.isFinite(seen) && seen > record.lastSeenAt) {
          record.lastSeenAt = seen;
        }
        out.push({ id: flat[i], record });
      }
    }
    return out;
  }

  async destroyByUser(userId: string, exceptId?: string): Promise<number> {
    const key = this.userKey(userId);
    return this.send<number>((p) => p.sessionDestroyByUser(key, this.prefix, exceptId ?? ''));
  }

  private async write(mode: 'create' | 'update', id: string, record: SessionRecord): Promise<number> {
    assertValidSessionId(id);
    const deadline = expiresAt(record, this.lifetime);
    if (deadline <= Date.now()) {
      // Writing an already-expired session would store garbage; for an update it also ends it.
      if (mode === 'update') {
        await this.destroy(id);
      }
      return mode === 'update' ? 0 : 1;
    }
    const args: Arg[] = [mode, this.prefix, id, JSON.stringify(record), record.lastSeenAt, record.createdAt, record.userId ?? '', deadline];
    const key = this.key(id);
    return this.send<number>((p) => p.sessionWrite(key, ...args));
  }

  private key(id: string): string {
    return `${this.prefix}sess:${id}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }
}
