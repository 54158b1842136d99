import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppError } from '@app/errors';
import { queryRows } from '@app/database';
import { isUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import { hasAnyRole, type Principal } from '../access/principal.js';
import { digest, isSecretFormat, newSecret, sameDigest } from '../tokens/secret-token.js';
import { UsersRepository } from '../users/users.repository.js';

/** Roles allowed to hold API keys (the Flask starter let developers and admins use the API). */
export const API_KEY_ROLES = ['dev'] as const;
const MAX_KEYS_PER_USER = 20;
/** last_used_at is written at most this often per key, so a busy key costs one read per request, not a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeySummary {
  id: string;
  label: string;
  roles: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface NewApiKey extends ApiKeySummary {
  /** `<id>.<secret>`: shown once, never stored. */
  token: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
  ) {}

  /** For `POST /api/credentials`: a key for a user who just proved their password. */
  async createForUser(userId: string, label: string): Promise<NewApiKey> {
    const state = await this.users.findAuthState(userId);
    if (!state) {
      throw new AppError('forbidden', 403, 'Your account may not create API keys.');
    }
    return this.create({ userId, roles: state.roles }, label);
  }

  /** The key acts with the owner's roles at creation; later it is limited by the owner's roles at use. */
  async create(owner: Pick<Principal, 'userId' | 'roles'>, label: string): Promise<NewApiKey> {
    if (!hasAnyRole(owner, API_KEY_ROLES)) {
      throw new AppError('forbidden', 403, 'Your account may not create API keys.');
    }
    const count = await queryRows<{ n: string }>(this.db, `SELECT count(*) AS n FROM api_keys WHERE user_id = $1`, [owner.userId]);
    if (Number(count[0].n) >= MAX_KEYS_PER_USER) {
      throw new AppError('too_many_keys', 409, `You already have ${MAX_KEYS_PER_USER} API keys. Delete one first.`);
    }
    const secret = newSecret();
    const rows = await queryRows<{ id: string; created_at: Date }>(
      this.db,
      `INSERT INTO api_keys (user_id, label, secret_hash, roles) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
      [owner.userId, label, digest(secret), [...owner.roles]],
    );
    const { id, created_at } = rows[0];
    return { id, label, roles: [...owner.roles], createdAt: created_at, lastUsedAt: null, token: `${id}.${secret}` };
  }

  async list(userId: string): Promise<ApiKeySummary[]> {
    const rows = await queryRows<{ id: string; label: string; roles: string[]; created_at: Date; last_used_at: Date | null }>(
      this.db,
      `SELECT id, label, roles, created_at, last_used_at FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC`,
      [userId],
    );
    return rows.map((r) => ({ id: r.id, label: r.label, roles: r.roles, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** Takes effect at once: the next request with the key is refused. */
  async delete(userId: string, keyId: string): Promise<boolean> {
    if (!isUUID(keyId)) {
      return false;
    }
    const rows = await queryRows<{ id: string }>(this.db, `DELETE FROM api_keys WHERE id = $1 AND user_id = $2 RETURNING id`, [
      keyId,
      userId,
    ]);
    return rows.length > 0;
  }

  /**
   * The principal for a presented key, or null. One query reads the key, its owner and the
   * owner's roles; a disabled owner or a wrong secret is null, compared in constant time.
   */
  async authenticate(keyId: string, secret: string): Promise<Principal | null> {
    if (!isUUID(keyId) || !isSecretFormat(secret)) {
      return null;
    }
    const rows = await queryRows<{
      secret_hash: Buffer;
      key_roles: string[];
      last_used_at: Date | null;
      user_id: string;
      email: string;
      first_name: string;
      last_name: string;
      active: boolean;
      user_roles: string[];
    }>(
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
    const row = rows[0];
    if (!row || !sameDigest(row.secret_hash, digest(secret)) || !row.active) {
      return null;
    }
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [keyId]);
    }
    // Demoting the owner demotes the key; the key never gains roles it was not created with.
    const roles = row.key_roles.filter((role) => row.user_roles.includes(role));
    return {
      userId: row.user_id,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      roles,
      via: 'api-key',
      apiKeyId: keyId,
    };
  }
}

/**
 * Reads the credentials of an /api request: `Authorization: Bearer <id>.<secret>`, or the Flask
 * starter's `API_ID` + `API_KEY` headers. Null when neither is present or well formed.
 */
export function apiCredentialsOf(headers: Record<string, string | string[] | undefined>): { id: string; secret: string } | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer ([^.\s]+)\.(\S+)$/i.exec(authorization.trim());
    return match ? { id: match[1], secret: match[2] } : null;
  }
  const id = headers.api_id;
  const secret = headers.api_key;
  return typeof id === 'string' && typeof secret === 'string' ? { id, secret } : null;
}
