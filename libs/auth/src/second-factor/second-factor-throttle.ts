import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DependencyUnavailableError } from '@app/errors';
import { REDIS } from '@app/redis';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type AttemptCounters, MemoryAttemptCounters, RedisAttemptCounters } from '../login/attempt-counters.js';
import { clientKey } from '../login/client-key.js';
import { TooManyAttemptsError } from '../login/login-throttle.js';

/** A code check counted before it runs (see SecondFactorThrottle). */
export interface CodeAttempt {
  readonly keys: readonly [accountFromClient: string, client: string, account: string];
}

/**
 * Failed second-factor codes, counted like failed passwords (LoginThrottle): every check is
 * reserved on its counters before the code is looked at, in one atomic step, so parallel guesses
 * cannot all slip under the limit; a good code hands its reservation back. Same window and
 * per-client limits as passwords (AUTH_FAILURE_WINDOW_SECONDS, AUTH_MAX_FAILURES_PER_ACCOUNT and
 * _PER_IP), and a per-account ceiling of twice the per-client limit from anywhere. Only someone
 * who knows the password reaches this step; a code has a 3 in 10^6 chance per guess (three steps
 * are accepted), so with the defaults (5 per client, 10 per account per 15 minutes, 960 a day)
 * a guesser who already holds the password needs about a year on average, while the owner's own
 * mistypes are forgiven at their next good code.
 */
@Injectable()
export class SecondFactorThrottle {
  private readonly logger = new Logger(SecondFactorThrottle.name);
  private readonly counters: AttemptCounters;
  private readonly prefix: string;
  private readonly limits: readonly [number, number, number];

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const windowMs = config.auth.failureWindowSeconds * 1000;
    this.counters = redis ? new RedisAttemptCounters(redis, windowMs) : new MemoryAttemptCounters(windowMs);
    this.prefix = `${redis ? config.redis.keyPrefix : ''}second-factor-fail:`;
    const perAccount = config.auth.maxFailuresPerAccount;
    this.limits = [perAccount, config.auth.maxFailuresPerIp, perAccount * 2];
  }

  /** Counts the check up front, or throws TooManyAttemptsError (nothing counted). */
  async reserve(userId: string, ip: string | undefined): Promise<CodeAttempt> {
    const account = digest(userId);
    const client = digest(clientKey(ip));
    const attempt: CodeAttempt = {
      keys: [`${this.prefix}ac:${digest(`${account}.${client}`)}`, `${this.prefix}c:${client}`, `${this.prefix}a:${account}`],
    };
    let waitMs: number;
    try {
      waitMs = await this.counters.reserve(attempt.keys.map((key, i) => ({ key, limit: this.limits[i] })));
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
    if (waitMs > 0) {
      throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
    }
    return attempt;
  }

  /** The code was right: the check is handed back, and this client's count for the account starts over. */
  succeeded(attempt: CodeAttempt): void {
    this.refund(attempt, ['clear', 'decrement', 'decrement']);
  }

  /** Nothing was checked (the database failed): it does not count. */
  abandoned(attempt: CodeAttempt): void {
    this.refund(attempt, ['decrement', 'decrement', 'decrement']);
  }

  private refund(attempt: CodeAttempt, how: Parameters<AttemptCounters['refund']>[1]): void {
    this.counters.refund(attempt.keys, how).catch((error: unknown) => {
      this.logger.warn(`second factor throttle refund failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
