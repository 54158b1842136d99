import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource } from 'typeorm';
import type { TokenPurpose } from './one-time-token.entity.js';
import { digest, isSecretFormat, newSecret } from './secret-token.js';

export interface RedeemedToken {
  userId: string;
  email: string;
}

/**
 * Email confirmation and password reset tokens: random, single-use, expiring, stored hashed
 * (OWASP Forgot Password cheat sheet). Issuing a new token of a purpose retires the user's older
 * ones, so only the newest mail works.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async issue(userId: string, purpose: TokenPurpose, email: string, ttlMs: number): Promise<string> {
    const secret = newSecret();
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
        userId,
        purpose,
      ]);
      await manager.query(
        `INSERT INTO one_time_tokens (user_id, purpose, token_hash, email, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [userId, purpose, digest(secret), email, ttlMs / 1000],
      );
    });
    return secret;
  }

  /** Is the token currently redeemable? (For showing the reset form; does not use it up.) */
  async peek(secret: unknown, purpose: TokenPurpose): Promise<RedeemedToken | null> {
    if (!isSecretFormat(secret)) {
      return null;
    }
    const rows = await queryRows<{ user_id: string; email: string }>(
      this.db,
      `SELECT user_id, email FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [digest(secret), purpose],
    );
    return rows[0] ? { userId: rows[0].user_id, email: rows[0].email } : null;
  }

  /**
   * Uses the token up, atomically: of two concurrent requests with the same link only one gets
   * it. Null when unknown, used, expired or meant for something else.
   */
  async redeem(secret: unknown, purpose: TokenPurpose): Promise<RedeemedToken | null> {
    if (!isSecretFormat(secret)) {
      return null;
    }
    const rows = await queryRows<{ user_id: string; email: string }>(
      this.db,
      `UPDATE one_time_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, email`,
      [digest(secret), purpose],
    );
    return rows[0] ? { userId: rows[0].user_id, email: rows[0].email } : null;
  }

  /** Deletes tokens that can no longer be used (for the scheduled purge job). */
  async purgeExpired(olderThanMs = 24 * 3_600_000): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `DELETE FROM one_time_tokens
        WHERE expires_at < now() - make_interval(secs => $1) OR used_at < now() - make_interval(secs => $1)
        RETURNING id`,
      [olderThanMs / 1000],
    );
    return rows.length;
  }
}
