import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource } from 'typeorm';
import type { TokenPurpose } from './one-time-token.entity.js';

export interface TokenOwner {
  userId: string;
  email: string;
}

/** The one_time_tokens table (only hashes are stored), in plain parameterised SQL. */
@Injectable()
export class OneTimeTokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Retires the user's unused tokens of this purpose and stores the new one, in one transaction. */
  async replace(userId: string, purpose: TokenPurpose, tokenHash: Buffer, email: string, ttlMs: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
        userId,
        purpose,
      ]);
      await manager.query(
        `INSERT INTO one_time_tokens (user_id, purpose, token_hash, email, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [userId, purpose, tokenHash, email, ttlMs / 1000],
      );
    });
  }

  /**
   * Retires the user's unused tokens: every reset link and every email-change link, except a
   * confirmation of `keepConfirmationOf` (the account's current address, not yet confirmed).
   */
  async retirePending(userId: string, keepConfirmationOf?: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `UPDATE one_time_tokens SET used_at = now()
        WHERE user_id = $1 AND used_at IS NULL
          AND ($2::text IS NULL OR purpose <> 'confirm-email' OR lower(email) <> lower($2::text))
        RETURNING id`,
      [userId, keepConfirmationOf ?? null],
    );
    return rows.length;
  }

  async findUsable(tokenHash: Buffer, purpose: TokenPurpose): Promise<TokenOwner | null> {
    const rows = await queryRows<{ user_id: string; email: string }>(
      this.db,
      `SELECT user_id, email FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [tokenHash, purpose],
    );
    return rows[0] ? { userId: rows[0].user_id, email: rows[0].email } : null;
  }

  /** Marks the token used if it still was usable, atomically (one UPDATE ... RETURNING). */
  async useUp(tokenHash: Buffer, purpose: TokenPurpose): Promise<TokenOwner | null> {
    const rows = await queryRows<{ user_id: string; email: string }>(
      this.db,
      `UPDATE one_time_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, email`,
      [tokenHash, purpose],
    );
    return rows[0] ? { userId: rows[0].user_id, email: rows[0].email } : null;
  }

  /** Deletes tokens expired or used more than `olderThanMs` ago; resolves with how many. */
  async deleteSpent(olderThanMs: number): Promise<number> {
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
