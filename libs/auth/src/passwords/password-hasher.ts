import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
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
   * queueing cannot tell them apart either.
   */
  private readonly gate: LimitFunction;

  constructor(config: AppConfig) {
    super();
    this.options = { type: argon2.argon2id, ...config.auth.argon2 };
    this.gate = pLimit(config.auth.hashConcurrency);
  }

  hash(password: string): Promise<string> {
    return this.gate(() => argon2.hash(normalizePassword(password), this.options));
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await this.gate(() => argon2.verify(hash, normalizePassword(password)));
    } catch {
      return false; // not an argon2 hash (e.g. imported from elsewhere): treated as a wrong password
    }
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.options);
    } catch {
      return true;
    }
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummy ??= this.hash('dummy password for unknown accounts');
    await this.verify(await this.dummy, password);
  }
}
