import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AppError, DependencyUnavailableError } from '@app/errors';
import { REDIS } from '@app/redis';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type AttemptCounters, type CounterLimit, MemoryAttemptCounters, RedisAttemptCounters } from '../login/attempt-counters.js';
import { clientKey } from '../login/client-key.js';

/**
 * The forms that send mail or check a password, each limited on its own counters:
 * - `register`, `forgot-password`: per client and per address typed (each may mail that address);
 * - `email-change`: per client, per new address (it is mailed) and per account (password re-check);
 * - `password-check` (change password, sign out others): per client and per account.
 * The account counter is one for all three password re-checks.
 */
export type RateLimitedAction = 'register' | 'forgot-password' | 'email-change' | 'password-check';

/** What a request is counted on: the client's IP, and the targets the action names. */
export interface RateLimitSubject {
  readonly ip: string | undefined;
  /** The address typed in the form, when the action mails it. */
  readonly address?: string;
  /** The signed-in account, when the action re-checks its password. */
  readonly userId?: string;
}

/** Over a form's limit; says when to come back (the guard also sends it as Retry-After). */
export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', HttpStatus.TOO_MANY_REQUESTS, 'Too many requests. Please wait a few minutes and try again.', {
      retryAfterSeconds,
    });
  }
}

const TARGETS: Record<RateLimitedAction, readonly ('address' | 'account')[]> = {
  register: ['address'],
  'forgot-password': ['address'],
  'email-change': ['address', 'account'],
  'password-check': ['account'],
};

/**
 * Mail bombing and free Argon2 work, refused before the work starts: every request to a limited
 * form is counted on all of its counters in one atomic step (the login throttle's counters, in
 * Redis when there is one, in this process otherwise), or refused with nothing counted. Unlike a
 * login, nothing is handed back on success: each accepted request may send a mail or hash a
 * password. Fixed windows of AUTH_FORM_LIMIT_WINDOW_SECONDS; AUTH_FORM_LIMIT_PER_IP per client
 * (IPv4 address or IPv6 /64) and AUTH_FORM_LIMIT_PER_TARGET per address or account. When Redis
 * is down the check fails closed (503).
 */
@Injectable()
export class FormRateLimit {
  private readonly counters: AttemptCounters;
  private readonly prefix: string;
  private readonly perIp: number;
  private readonly perTarget: number;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis | null) {
    const { perIp, perTarget, windowSeconds } = config.auth.formLimit;
    this.counters = redis ? new RedisAttemptCounters(redis, windowSeconds * 1000) : new MemoryAttemptCounters(windowSeconds * 1000);
    this.prefix = redis ? `${config.redis.keyPrefix}form-limit:` : '';
    this.perIp = perIp;
    this.perTarget = perTarget;
  }

  /** Counts the request, or throws TooManyRequestsError (nothing counted) while a counter is exhausted. */
  async reserve(action: RateLimitedAction, subject: RateLimitSubject): Promise<void> {
    const counters: CounterLimit[] = [{ key: `${this.prefix}${action}:c:${digest(clientKey(subject.ip))}`, limit: this.perIp }];
    for (const target of TARGETS[action]) {
      if (target === 'address' && subject.address) {
        counters.push({ key: `${this.prefix}${action}:to:${digest(subject.address.trim().toLowerCase())}`, limit: this.perTarget });
      }
      if (target === 'account' && subject.userId) {
        counters.push({ key: `${this.prefix}password-check:a:${digest(subject.userId)}`, limit: this.perTarget });
      }
    }
    let waitMs: number;
    try {
      waitMs = await this.counters.reserve(counters);
    } catch (error) {
      throw new DependencyUnavailableError('rate limiter', error);
    }
    if (waitMs > 0) {
      throw new TooManyRequestsError(Math.ceil(waitMs / 1000));
    }
  }
}

/** Counters are keyed by digests, so Redis holds neither addresses nor IPs. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
