import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/redis';
import type { Redis } from 'ioredis';
import { type ReservedAttempt, ReservedAttempts } from '../login/reserved-attempts.js';

/** A code check counted before it runs (see SecondFactorThrottle). */
export type CodeAttempt = ReservedAttempt;

/**
 * Failed second-factor codes, counted like failed passwords (LoginThrottle, ReservedAttempts):
 * every check is reserved on its counters before the code is looked at, in one atomic step, so
 * parallel guesses cannot all slip under the limit; a good code hands its reservation back. Same
 * window and per-client limits as passwords (AUTH_FAILURE_WINDOW_SECONDS,
 * AUTH_MAX_FAILURES_PER_ACCOUNT and _PER_IP), and a per-account ceiling of twice the per-client
 * limit from anywhere. Only someone who knows the password reaches this step; a code has a 3 in
 * 10^6 chance per guess (three steps are accepted), so with the defaults (5 per client, 10 per
 * account per 15 minutes, 960 a day) a guesser who already holds the password needs about a year
 * on average, while the owner's own mistypes are forgiven at their next good code.
 */
@Injectable()
export class SecondFactorThrottle {
  private readonly attempts: ReservedAttempts;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const perAccount = config.auth.maxFailuresPerAccount;
    this.attempts = new ReservedAttempts({
      redis,
      windowMs: config.auth.failureWindowSeconds * 1000,
      prefix: `${redis ? config.redis.keyPrefix : ''}second-factor-fail:`,
      limits: [perAccount, config.auth.maxFailuresPerIp, perAccount * 2],
      logger: new Logger(SecondFactorThrottle.name),
      label: 'second factor throttle',
    });
  }

  /** Counts the check up front, or throws TooManyAttemptsError (nothing counted). */
  reserve(userId: string, ip: string | undefined): Promise<CodeAttempt> {
    return this.attempts.reserve(userId, ip);
  }

  /** The code was right: the check is handed back, and this client's count for the account starts over. */
  succeeded(attempt: CodeAttempt): void {
    this.attempts.succeeded(attempt);
  }

  /** Nothing was checked (the database failed): it does not count. */
  abandoned(attempt: CodeAttempt): void {
    this.attempts.abandoned(attempt);
  }
}
