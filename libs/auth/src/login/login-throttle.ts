import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AppError, DependencyUnavailableError } from '@app/errors';
import { REDIS } from '@app/redis';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import rateLimiter from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

const { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } = rateLimiter;

/** Refused because of too many recent failures; says when to come back. */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', HttpStatus.TOO_MANY_REQUESTS, 'Too many failed sign-in attempts. Please wait a few minutes and try again.', {
      retryAfterSeconds,
    });
  }
}

/**
 * Failed-login throttling per account and per client IP (OWASP Authentication cheat sheet):
 * counts failures only, in a fixed window, so it slows guessing without ever locking anyone out
 * for good. rate-limiter-flexible does the counting (atomic in Redis, shared by every replica);
 * without Redis the counters live in this process, which is right for the single-process
 * development setup. @nestjs/throttler counts every request, not failures, so it cannot express this.
 *
 * When Redis is down the check fails closed (503), never open.
 */
@Injectable()
export class LoginThrottle {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const duration = config.auth.failureWindowSeconds;
    const make = (keyPrefix: string, points: number) =>
      redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redis.keyPrefix}login-fail:${keyPrefix}`, points, duration })
        : new RateLimiterMemory({ keyPrefix, points, duration });
    this.perAccount = make('account', config.auth.maxFailuresPerAccount);
    this.perIp = make('ip', config.auth.maxFailuresPerIp);
  }

  /**
   * Throws TooManyAttemptsError while either counter is exhausted. Returns whether the account
   * has failures counted, so that a good login resets the counter only when there is one.
   */
  async assertAllowed(email: string, ip: string): Promise<{ accountHasFailures: boolean }> {
    const [account, client] = await Promise.all([this.read(this.perAccount, accountKey(email)), this.read(this.perIp, ip)]);
    let waitMs = 0;
    for (const [res, limit] of [
      [account, this.perAccount.points],
      [client, this.perIp.points],
    ] as const) {
      if (res && res.consumedPoints >= limit) {
        waitMs = Math.max(waitMs, res.msBeforeNext, 1);
      }
    }
    if (waitMs > 0) {
      throw new TooManyAttemptsError(Math.ceil(waitMs / 1000));
    }
    return { accountHasFailures: (account?.consumedPoints ?? 0) > 0 };
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.consume(this.perAccount, accountKey(email)), this.consume(this.perIp, ip)]);
  }

  /** A good password clears the account's counter (the IP's keeps counting: one IP, many accounts). */
  async recordSuccess(email: string): Promise<void> {
    try {
      await this.perAccount.delete(accountKey(email));
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
  }

  private async read(limiter: RateLimiterAbstract, key: string) {
    try {
      return await limiter.get(key);
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
  }

  private async consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      // Over the limit is a RateLimiterRes, not an error: the failure is counted either way.
      if (!(rejection instanceof RateLimiterRes)) {
        throw new DependencyUnavailableError('rate limiter', rejection);
      }
    }
  }
}

/** Accounts are counted by a digest of the lower-cased address, so Redis holds no addresses. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}
