import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** One counter to reserve an attempt on: its key and how many attempts a window allows. */
export interface CounterLimit {
  readonly key: string;
  readonly limit: number;
}

/** What happens to each counter when a reserved attempt is handed back. */
export type Refund = 'decrement' | 'clear';

/**
 * Fixed-window attempt counters, reserved all together or not at all. `reserve` is the one step
 * on the login path: it checks every counter and, only if all are under their limit, counts the
 * attempt on each, atomically, before the password is hashed. That is what makes the limit hold
 * under concurrency: of N simultaneous attempts, at most `limit` get through.
 */
export interface AttemptCounters {
  /** 0 when the attempt is counted; otherwise milliseconds until the first exhausted counter resets. */
  reserve(counters: readonly CounterLimit[]): Promise<number>;
  /** Hands a counted attempt back: one less on each counter, or the counter cleared. */
  refund(keys: readonly string[], how: readonly Refund[]): Promise<void>;
}

/**
 * In this process, for the single-process setup without Redis. Each call runs to completion
 * without yielding, which is what makes check-and-count atomic here.
 */
export class MemoryAttemptCounters implements AttemptCounters {
  private readonly counts = new Map<string, { n: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  reserve(counters: readonly CounterLimit[]): Promise<number> {
    const now = this.now();
    this.sweep(now);
    const entries = counters.map(({ key }) => this.live(key, now));
    let waitMs = 0;
    counters.forEach(({ limit }, i) => {
      const entry = entries[i];
      if (entry && entry.n >= limit) {
        waitMs = Math.max(waitMs, entry.resetAt - now, 1);
      }
    });
    if (waitMs === 0) {
      counters.forEach(({ key }, i) => {
        const entry = entries[i];
        if (entry) {
          entry.n++;
        } else {
          this.counts.set(key, { n: 1, resetAt: now + this.windowMs });
        }
      });
    }
    return Promise.resolve(waitMs);
  }

  refund(keys: readonly string[], how: readonly Refund[]): Promise<void> {
    const now = this.now();
    keys.forEach((key, i) => {
      const entry = this.live(key, now);
      if (entry && (how[i] === 'clear' || --entry.n <= 0)) {
        this.counts.delete(key);
      }
    });
    return Promise.resolve();
  }

  /** How many attempts a key holds now (tests). */
  count(key: string): number {
    return this.live(key, this.now())?.n ?? 0;
  }

  private live(key: string, now: number) {
    const entry = this.counts.get(key);
    if (entry && entry.resetAt <= now) {
      this.counts.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Once a window, forgets the counters whose window has ended, so memory follows live traffic. */
  private sweep(now: number): void {
    if (now < this.nextSweep) {
      return;
    }
    this.nextSweep = now + this.windowMs;
    for (const [key, entry] of this.counts) {
      if (entry.resetAt <= now) {
        this.counts.delete(key);
      }
    }
  }
}

/**
 * Check every counter; if none is exhausted, count the attempt on each (a new counter starts its
 * window). Returns 0, or the milliseconds until the last exhausted counter resets.
 * KEYS: the counters. ARGV: the window in ms, then each counter's limit.
 */
const RESERVE = `
local wait = 0
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl == -1 then
      redis.call('PEXPIRE', KEYS[i], ARGV[1])
      ttl = tonumber(ARGV[1])
    end
    if ttl < 1 then ttl = 1 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 0
`;

/**
 * One attempt handed back. A counter never goes below zero and never outlives its window: one
 * that has expired in the meantime stays gone. KEYS: the counters. ARGV: 'clear' or 'decrement' each.
 */
const REFUND = `
for i = 1, #KEYS do
  if ARGV[i] == 'clear' then
    redis.call('DEL', KEYS[i])
  else
    local n = tonumber(redis.call('GET', KEYS[i]) or '0')
    if n > 1 then redis.call('DECR', KEYS[i]) elseif n == 1 then redis.call('DEL', KEYS[i]) end
  end
end
return 0
`;

interface Script {
  readonly lua: string;
  readonly sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const reserveScript = script(RESERVE);
const refundScript = script(REFUND);

/**
 * In Redis, shared by every replica: reserve and refund are one Lua script each, so one round
 * trip (EVALSHA; the script text is sent only when Redis does not have it yet). The keys of one
 * call live on different hash slots, so this needs a single Redis (or a primary with replicas),
 * not Redis Cluster; that is the deployment the rest of the app assumes too.
 */
export class RedisAttemptCounters implements AttemptCounters {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
  ) {}

  async reserve(counters: readonly CounterLimit[]): Promise<number> {
    const keys = counters.map((c) => c.key);
    const waitMs = await this.run(reserveScript, keys, [String(this.windowMs), ...counters.map((c) => String(c.limit))]);
    return Number(waitMs);
  }

  async refund(keys: readonly string[], how: readonly Refund[]): Promise<void> {
    await this.run(refundScript, keys, how);
  }

  private async run(s: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
        throw error;
      }
      return this.redis.eval(s.lua, keys.length, ...keys, ...args);
    }
  }
}
