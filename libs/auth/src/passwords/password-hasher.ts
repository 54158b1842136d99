import { HttpStatus, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AppError } from '@app/errors';
import argon2 from 'argon2';
import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Port for password hashing: Argon2id in the apps, a cheaper stand-in
 * only in unit tests. Passwords are normalised (NFKC) so that the same password typed on two
 * keyboards that encode an accented letter differently still matches; nothing is truncated.
 */
export abstract class PasswordHasher {
  /** A self-describing hash (algorithm, parameters, salt). */
  abstract hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws for either. */
  abstract verify(hash: string, password: string): Promise<boolean>;
  /** True when the hash was made with weaker parameters than today's: rehash after a good login. */
  abstract needsRehash(hash: string): boolean;
  /**
   * Spends the same time as a real check, for unknown accounts, so that response timing does not
   * tell whether an address is registered.
   */
  abstract verifyDummy(password: string): Promise<void>;
}

/**
 * More hashes are waiting than AUTH_HASH_QUEUE_LIMIT: the request is refused at once (503, and
 * the error path adds Retry-After) instead of queueing behind work that would take seconds.
 */
export class HashQueueFullError extends AppError {
  constructor(readonly retryAfterSeconds = 5) {
    super('server_busy', HttpStatus.SERVICE_UNAVAILABLE, 'The server is busy. Please try again in a few seconds.', { retryAfterSeconds });
  }
}

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  private readonly options: argon2.HashOptions & { raw?: false };
  private dummy?: Promise<string>;
  /**
   * Every hash and verification passes this gate (AUTH_HASH_CONCURRENCY, by default one per
   * core; see defaultHashConcurrency): a login burst queues here instead of filling libuv's
   * pool and holding 19 MiB per attempt at once. Unknown-account checks pass the same gate, so
   * queueing cannot tell them apart either. At most AUTH_HASH_QUEUE_LIMIT wait behind it; one
   * more is refused with HashQueueFullError before it queues (a flood gets 503s, not a backlog
   * of minutes that every later login waits behind).
   */
  private readonly gate: LimitFunction;
  private readonly maxWaiting: number;

  constructor(config: AppConfig) {
    super();
    this.options = { type: argon2.argon2id, ...config.auth.argon2 };
    this.gate = pLimit(config.auth.hashConcurrency);
    this.maxWaiting = config.auth.hashQueueLimit ?? 4 * config.auth.hashConcurrency;
  }

  /** Hashes waiting for a turn now (not counting the ones running). */
  get waiting(): number {
    return this.gate.pendingCount;
  }

  private admit<T>(work: () => Promise<T>): Promise<T> {
    // pendingCount is only what waits (a free slot takes work at once, synchronously).
    if (this.gate.pendingCount >= this.maxWaiting) {
      return Promise.reject(new HashQueueFullError());
    }
    return this.gate(work);
  }

  hash(password: string): Promise<string> {
    return this.admit(() => argon2.hash(normalizePassword(password), this.options));
  }

  async verify(hash: string, password: string): Promise<boolean> {
    return this.admit(async () => {
      try {
        return await argon2.verify(hash, normalizePassword(password));
      } catch {
        return false; // not an argon2 hash (e.g. imported from elsewhere): treated as a wrong password
      }
    });
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.options);
    } catch {
      return true;
    }
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummy ??= this.hash('dummy password for unknown accounts').catch((error: unknown) => {
      this.dummy = undefined; // refused (queue full): the next unknown-account check tries again
      throw error;
    });
    await this.verify(await this.dummy, password);
  }
}
