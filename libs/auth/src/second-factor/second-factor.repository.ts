import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import { isUserId } from '../users/user-id.js';

/** A user's second factor as stored, with what its checks compare against. */
export interface SecondFactorState {
  userId: string;
  email: string;
  active: boolean;
  authEpoch: number;
  /** Sealed (secret-box.ts); while `enabledAt` is null, the secret of an enrolment in progress. */
  sealedSecret: string | null;
  enabledAt: Date | null;
  lastStep: number | null;
  recoveryCodesLeft: number;
}

/**
 * The second factor's columns on users and the recovery_codes table (migration 1764500000000).
 * Every check-and-use is one conditional statement, so two requests with the same code cannot
 * both succeed: a step is accepted only above the last one, a recovery code is deleted as it is used.
 */
@Injectable()
export class SecondFactorRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async state(userId: string): Promise<SecondFactorState | null> {
    if (!isUserId(userId)) {
      return null;
    }
    const rows = await queryRows<{
      email: string;
      active: boolean;
      auth_epoch: number;
      totp_secret: string | null;
      totp_enabled_at: Date | null;
      totp_last_step: string | null;
      codes_left: number;
    }>(
      this.db,
      `SELECT email, active, auth_epoch, totp_secret, totp_enabled_at, totp_last_step,
              (SELECT count(*)::int FROM recovery_codes WHERE user_id = u.id) AS codes_left
         FROM users u WHERE id = $1`,
      [userId],
    );
    const row = rows[0];
    return row
      ? {
          userId,
          email: row.email,
          active: row.active,
          authEpoch: row.auth_epoch,
          sealedSecret: row.totp_secret,
          enabledAt: row.totp_enabled_at,
          lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
          recoveryCodesLeft: row.codes_left,
        }
      : null;
  }

  /** Starts (or starts over) an enrolment; false when the second factor is on already. */
  async setPendingSecret(userId: string, sealed: string): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enabled_at IS NULL RETURNING id`,
      [userId, sealed],
    );
    return rows.length > 0;
  }

  /**
   * Turns the pending secret on with its first accepted step and a fresh set of recovery codes,
   * inside the caller's transaction (its audit row commits with it). False when the secret is no
   * longer the one the code was checked against (started over meanwhile).
   */
  async enable(manager: EntityManager, userId: string, sealed: string, step: number, codeDigests: readonly Buffer[]): Promise<boolean> {
    const rows = await queryRows<unknown>(
      manager,
      `UPDATE users SET totp_enabled_at = now(), totp_last_step = $3
        WHERE id = $1 AND totp_enabled_at IS NULL AND totp_secret = $2 RETURNING id`,
      [userId, sealed, step],
    );
    if (rows.length === 0) {
      return false;
    }
    await this.writeCodes(manager, userId, codeDigests);
    return true;
  }

  /**
   * Records `step` as used, only if it is later than the last one: false for a replayed code.
   * `resealed` replaces the stored secret (it was opened with an older key).
   */
  async acceptStep(userId: string, step: number, resealed: string | null): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE users SET totp_last_step = $2, totp_secret = COALESCE($3, totp_secret)
        WHERE id = $1 AND totp_enabled_at IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [userId, step, resealed],
    );
    return rows.length > 0;
  }

  /** Uses up a recovery code: true once, false for an unknown or already used one. */
  async useRecoveryCode(userId: string, digest: Buffer): Promise<boolean> {
    const rows = await queryRows<unknown>(this.db, `DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 RETURNING user_id`, [
      userId,
      digest,
    ]);
    return rows.length > 0;
  }

  /** The old codes stop working, the new ones start; false when the second factor is off. */
  replaceRecoveryCodes(userId: string, codeDigests: readonly Buffer[]): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const on = await queryRows<unknown>(manager, `SELECT id FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL FOR UPDATE`, [userId]);
      if (on.length === 0) {
        return false;
      }
      await this.writeCodes(manager, userId, codeDigests);
      return true;
    });
  }

  /**
   * Turns the second factor off (or drops an enrolment in progress), inside the caller's
   * transaction (its audit row commits with it). Null for an unknown user; else whether it was on.
   */
  async remove(manager: EntityManager, userId: string): Promise<boolean | null> {
    if (!isUserId(userId)) {
      return null;
    }
    const before = await queryRows<{ was_on: boolean }>(manager, `SELECT totp_enabled_at IS NOT NULL AS was_on FROM users WHERE id = $1 FOR UPDATE`, [
      userId,
    ]);
    if (before.length === 0) {
      return null;
    }
    await manager.query(`UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`, [userId]);
    await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
    return before[0].was_on;
  }

  private async writeCodes(manager: EntityManager, userId: string, codeDigests: readonly Buffer[]): Promise<void> {
    await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, [userId, codeDigests]);
  }
}
