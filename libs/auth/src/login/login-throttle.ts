import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AppError, DependencyUnavailableError } from '@app/errors';
import { signIns } from '@app/metrics';
import { REDIS } from '@app/redis';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type AttemptCounters, MemoryAttemptCounters, RedisAttemptCounters } from './attempt-counters.js';
import { clientKey } from './client-key.js';

/** Refused because of too many recent failures; says when to come back. */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', HttpStatus.TOO_MANY_REQUESTS, 'Too many failed sign-in attempts. Please wait a few minutes and try again.', {
      retryAfterSeconds,
    });
  }
}

/** A sign-in attempt counted on the throttle before its password is checked. */
export interface LoginAttempt {
  /** The account from this client, the client, and the account from anywhere. */
  readonly keys: readonly [accountFromClient: string, client: string, account: string];
}

/**
 * Failed-login throttling (OWASP Authentication cheat sheet), in fixed windows, never a
 * permanent lockout. Three counters:
 * - the account from one client (IP, or IPv6 /64): AUTH_MAX_FAILURES_PER_ACCOUNT. A guesser runs
 *   out here, but only for themselves: the owner, from their own address, still signs in;
 * - the client across accounts: AUTH_MAX_FAILURES_PER_IP (password spraying);
 * - the account from anywhere: AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL, much higher, a ceiling that
 *   slows a distributed attack without letting any single client lock the owner out.
 *
 * Every attempt is reserved on all three before the password is hashed (one atomic step), and a
 * good password hands its reservation back. So simultaneous attempts cannot all slip under the
 * limit, and an attempt that is refused costs no hash and counts nowhere (a refused client cannot
 * push the account's ceiling up). Counters live in Redis when there is one (shared by every
 * replica), in this process otherwise; when Redis is down the check fails closed (503).
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly counters: AttemptCounters;
  private readonly prefix: string;
  private readonly limits: readonly [number, number, number];

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const windowMs = config.auth.failureWindowSeconds * 1000;
    this.counters = redis ? new RedisAttemptCounters(redis, windowMs) : new MemoryAttemptCounters(windowMs);
    this.prefix = redis ? `${config.redis.keyPrefix}login-fail:` : '';
    this.limits = [config.auth.maxFailuresPerAccount, config.auth.maxFailuresPerIp, config.auth.maxFailuresPerAccountGlobal];
  }

  /**
   * Counts the attempt up front, or throws TooManyAttemptsError (nothing counted) while any of
   * its counters is exhausted. Settle the attempt with `succeeded` or `abandoned`; a wrong
   * password needs nothing more, it is already counted.
   */
  async reserve(email: string, ip: string): Promise<LoginAttempt> {
    const account = digest(email.trim().toLowerCase());
    const client = digest(clientKey(ip));
    const attempt: LoginAttempt = {
      keys: [`${this.prefix}ac:${digest(`${account}.${client}`)}`, `${this.prefix}c:${client}`, `${this.prefix}a:${account}`],
    };
    let waitMs: number;
    try {
      waitMs = await this.counters.reserve(attempt.keys.map((key, i) => ({ key, limit: this.limits[i] })));
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
    if (waitMs > 0) {
      signIns.inc({ outcome: 'throttled' });
      throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
    }
    return attempt;
  }

  /**
   * The password was right: the attempt is handed back, and the account's counter for this
   * client starts over (its owner's typos are forgiven there, and nowhere else). Not awaited on
   * the login path: with Redis it is queued on the same connection ahead of any later reserve.
   */
  succeeded(attempt: LoginAttempt): void {
    this.refund(attempt, ['clear', 'decrement', 'decrement']);
  }

  /** The attempt was not evaluated (the database or the hasher failed): it does not count. */
  abandoned(attempt: LoginAttempt): void {
    this.refund(attempt, ['decrement', 'decrement', 'decrement']);
  }

  private refund(attempt: LoginAttempt, how: Parameters<AttemptCounters['refund']>[1]): void {
    this.counters.refund(attempt.keys, how).catch((error: unknown) => {
      // At worst one attempt stays counted until its window ends.
      this.logger.warn(`login throttle refund failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** Counters are keyed by digests, so Redis holds neither addresses nor IPs. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
