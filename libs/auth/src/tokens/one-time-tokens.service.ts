import { Injectable } from '@nestjs/common';
import type { TokenPurpose } from './one-time-token.entity.js';
import { OneTimeTokensRepository, type TokenOwner } from './one-time-tokens.repository.js';
import { digest, isSecretFormat, newSecret } from './secret-token.js';

export type RedeemedToken = TokenOwner;

/**
 * Email confirmation and password reset tokens: random, single-use, expiring, stored hashed
 * (OWASP Forgot Password cheat sheet). Issuing a new token of a purpose retires the user's older
 * ones, so only the newest mail works.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(private readonly tokens: OneTimeTokensRepository) {}

  async issue(userId: string, purpose: TokenPurpose, email: string, ttlMs: number): Promise<string> {
    const secret = newSecret();
    await this.tokens.replace(userId, purpose, digest(secret), email, ttlMs);
    return secret;
  }

  /** Is the token currently redeemable? (For showing the reset form; does not use it up.) */
  peek(secret: unknown, purpose: TokenPurpose): Promise<RedeemedToken | null> {
    return isSecretFormat(secret) ? this.tokens.findUsable(digest(secret), purpose) : Promise.resolve(null);
  }

  /**
   * Uses the token up, atomically: of two concurrent requests with the same link only one gets
   * it. Null when unknown, used, expired or meant for something else.
   */
  redeem(secret: unknown, purpose: TokenPurpose): Promise<RedeemedToken | null> {
    return isSecretFormat(secret) ? this.tokens.useUp(digest(secret), purpose) : Promise.resolve(null);
  }

  /**
   * Retires the user's pending reset and email-change links (after a password change or reset,
   * an email change, disabling). A confirmation of `keepConfirmationOf`, the account's current
   * address, stays usable; without it every pending token is retired.
   */
  retirePending(userId: string, keepConfirmationOf?: string): Promise<number> {
    return this.tokens.retirePending(userId, keepConfirmationOf);
  }

  /** Deletes tokens that can no longer be used (for the scheduled purge job). */
  purgeExpired(olderThanMs = 24 * 3_600_000): Promise<number> {
    return this.tokens.deleteSpent(olderThanMs);
  }
}
