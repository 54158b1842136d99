import { HttpStatus, type Logger } from '@nestjs/common';
import { AppError, DependencyUnavailableError } from '@app/errors';
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

/** An attempt counted on its three counters before the secret is checked. */
export interface ReservedAttempt {
  /** The account from this client, the client, and the account from anywhere. */
  readonly keys: readonly [accountFromClient: string, client: string, account: string];
}

export interface ReservedAttemptsOptions {
  /** Redis when there is one (counters shared by every replica), this process otherwise. */
  readonly redis: Redis | null;
  readonly windowMs: number;
  /** Put in front of every key. */
  readonly prefix: string;
  /** Per window: the account from one client, the client across accounts, the account from anywhere. */
  readonly limits: readonly [accountFromClient: number, client: number, account: number];
  /** Where a failed refund is logged, and the words that name the throttle there. */
  readonly logger: Logger;
  readonly label: string;
}

/**
 * The reserve-then-refund pattern shared by the password and the second-factor throttles: every
 * attempt is reserved on all three counters in one atomic step before the secret is looked at (so
 * parallel guesses cannot all slip under the limit, and a refused attempt counts nowhere), and a
 * good secret hands its reservation back. When the counters cannot be reached it fails closed (503).
 */
export class ReservedAttempts {
  private readonly counters: AttemptCounters;

  constructor(private readonly options: ReservedAttemptsOptions) {
    this.counters = options.redis ? new RedisAttemptCounters(options.redis, options.windowMs) : new MemoryAttemptCounters(options.windowMs);
  }

  /** Counts the attempt up front, or throws TooManyAttemptsError (nothing counted) while any counter is exhausted. */
  async reserve(account: string, ip: string | undefined): Promise<ReservedAttempt> {
    const { prefix, limits } = this.options;
    const accountKey = digest(account);
    const client = digest(clientKey(ip));
    const attempt: ReservedAttempt = {
      keys: [`${prefix}ac:${digest(`${accountKey}.${client}`)}`, `${prefix}c:${client}`, `${prefix}a:${accountKey}`],
    };
    let waitMs: number;
    try {
      waitMs = await this.counters.reserve(attempt.keys.map((key, i) => ({ key, limit: limits[i] })));
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
    if (waitMs > 0) {
      throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
    }
    return attempt;
  }

  /**
   * The secret was right: the attempt is handed back, and the account's counter for this client
   * starts over (its owner's typos are forgiven there, and nowhere else). Not awaited: with Redis
   * it is queued on the same connection ahead of any later reserve.
   */
  succeeded(attempt: ReservedAttempt): void {
    this.refund(attempt, ['clear', 'decrement', 'decrement']);
  }

  /** Nothing was checked (the database or the hasher failed): it does not count. */
  abandoned(attempt: ReservedAttempt): void {
    this.refund(attempt, ['decrement', 'decrement', 'decrement']);
  }

  private refund(attempt: ReservedAttempt, how: Parameters<AttemptCounters['refund']>[1]): void {
    this.counters.refund(attempt.keys, how).catch((error: unknown) => {
      // At worst one attempt stays counted until its window ends.
      this.options.logger.warn(`${this.options.label} refund failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** Counters are keyed by digests, so Redis holds neither addresses nor IPs. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
