import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { signIns } from '@app/metrics';
import { REDIS } from '@app/redis';
import type { Redis } from 'ioredis';
import { type ReservedAttempt, ReservedAttempts, TooManyAttemptsError } from './reserved-attempts.js';

export { TooManyAttemptsError };

/** A sign-in attempt counted on the throttle before its password is checked. */
export type LoginAttempt = ReservedAttempt;

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
 * good password hands its reservation back (ReservedAttempts). So simultaneous attempts cannot all
 * slip under the limit, and an attempt that is refused costs no hash and counts nowhere (a refused
 * client cannot push the account's ceiling up). Counters live in Redis when there is one (shared
 * by every replica), in this process otherwise; when Redis is down the check fails closed (503).
 */
@Injectable()
export class LoginThrottle {
  private readonly attempts: ReservedAttempts;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    this.attempts = new ReservedAttempts({
      redis,
      windowMs: config.auth.failureWindowSeconds * 1000,
      prefix: redis ? `${config.redis.keyPrefix}login-fail:` : '',
      limits: [config.auth.maxFailuresPerAccount, config.auth.maxFailuresPerIp, config.auth.maxFailuresPerAccountGlobal],
      logger: new Logger(LoginThrottle.name),
      label: 'login throttle',
    });
  }

  /**
   * Counts the attempt up front, or throws TooManyAttemptsError (nothing counted) while any of
   * its counters is exhausted. Settle the attempt with `succeeded` or `abandoned`; a wrong
   * password needs nothing more, it is already counted.
   */
  async reserve(email: string, ip: string): Promise<LoginAttempt> {
    try {
      return await this.attempts.reserve(email.trim().toLowerCase(), ip);
    } catch (error) {
      if (error instanceof TooManyAttemptsError) {
        signIns.inc({ outcome: 'throttled' });
      }
      throw error;
    }
  }

  /** The password was right: see ReservedAttempts.succeeded. Not awaited on the login path. */
  succeeded(attempt: LoginAttempt): void {
    this.attempts.succeeded(attempt);
  }

  /** The attempt was not evaluated (the database or the hasher failed): it does not count. */
  abandoned(attempt: LoginAttempt): void {
    this.attempts.abandoned(attempt);
  }
}
