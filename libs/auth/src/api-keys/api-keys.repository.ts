import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';

export interface ApiKeyRow {
  id: string;
  label: string;
  roles: string[];
  created_at: Date;
  last_used_at: Date | null;
}

/** A key with what authenticating it needs: its owner and the owner's current roles. */
export interface ApiKeyWithOwner {
  secret_hash: Buffer;
  key_roles: string[];
  last_used_at: Date | null;
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  user_roles: string[];
}

/** The api_keys table, one single-purpose query per need, in plain parameterised SQL. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async countForUser(userId: string): Promise<number> {
    const rows = await queryRows<{ n: string }>(this.db, `SELECT count(*) AS n FROM api_keys WHERE user_id = $1`, [userId]);
    return Number(rows[0].n);
  }

  async insert(
    userId: string,
    label: string,
    secretHash: Buffer,
    roles: readonly string[],
    executor: DataSource | EntityManager = this.db,
  ): Promise<{ id: string; createdAt: Date }> {
    const rows = await queryRows<{ id: string; created_at: Date }>(
      executor,
      `INSERT INTO api_keys (user_id, label, secret_hash, roles) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
      [userId, label, secretHash, [...roles]],
    );
    return { id: rows[0].id, createdAt: rows[0].created_at };
  }

  listForUser(userId: string): Promise<ApiKeyRow[]> {
    return queryRows<ApiKeyRow>(
      this.db,
      `SELECT id, label, roles, created_at, last_used_at FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC`,
      [userId],
    );
  }

  /** True if the key existed and belonged to the user. */
  async deleteForUser(userId: string, keyId: string, executor: DataSource | EntityManager = this.db): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(executor, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2 RETURNING id`, [
      keyId,
      userId,
    ]);
    return rows.length > 0;
  }

  /** Deletes every key of the user; resolves with how many there were. */
  async deleteAllForUser(userId: string, executor: DataSource | EntityManager = this.db): Promise<number> {
    const rows = await queryRows<{ id: string }>(executor, `DELETE FROM api_keys WHERE user_id = $1 RETURNING id`, [userId]);
    return rows.length;
  }

  /** One query for the key, its owner and the owner's roles (runs on every API request). */
  async findWithOwner(keyId: string): Promise<ApiKeyWithOwner | null> {
    const rows = await queryRows<ApiKeyWithOwner>(
      this.db,
      `SELECT k.secret_hash, k.roles AS key_roles, k.last_used_at,
              u.id AS user_id, u.email, u.first_name, u.last_name, u.active,
              COALESCE(array_agg(r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS user_roles
         FROM api_keys k
         JOIN users u ON u.id = k.user_id
         LEFT JOIN user_roles ur ON ur.user_id = u.id
         LEFT JOIN roles r ON r.id = ur.role_id
        WHERE k.id = $1
        GROUP BY k.id, u.id`,
      [keyId],
    );
    return rows[0] ?? null;
  }

  async markUsed(keyId: string): Promise<void> {
    await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [keyId]);
  }
}
