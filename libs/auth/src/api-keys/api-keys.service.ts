import { Injectable } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { AppError } from '@app/errors';
import { isUUID } from 'class-validator';
import { hasAnyRole, type Principal } from '../access/principal.js';
import { digest, isSecretFormat, newSecret, sameDigest } from '../tokens/secret-token.js';
import { UsersRepository } from '../users/users.repository.js';
import { ApiKeysRepository } from './api-keys.repository.js';

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
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
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
    if ((await this.keys.countForUser(owner.userId)) >= MAX_KEYS_PER_USER) {
      throw new AppError('too_many_keys', 409, `You already have ${MAX_KEYS_PER_USER} API keys. Delete one first.`);
    }
    const secret = newSecret();
    // Audited in the key's own transaction: a key the trail does not show is never handed out.
    const { id, createdAt } = await this.audit.recordChange(
      (m) => this.keys.insert(owner.userId, label, digest(secret), owner.roles, m),
      (key) => ({
        action: 'api-key.created',
        actor: { id: owner.userId },
        target: { type: 'api-key', id: key.id, label },
        details: { roles: [...owner.roles] },
      }),
    );
    return { id, label, roles: [...owner.roles], createdAt, lastUsedAt: null, token: `${id}.${secret}` };
  }

  async list(userId: string): Promise<ApiKeySummary[]> {
    const rows = await this.keys.listForUser(userId);
    return rows.map((r) => ({ id: r.id, label: r.label, roles: r.roles, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** Takes effect at once: the next request with the key is refused. */
  async delete(userId: string, keyId: string): Promise<boolean> {
    if (!isUUID(keyId)) {
      return false;
    }
    return this.audit.recordChange(
      (m) => this.keys.deleteForUser(userId, keyId, m),
      (deleted) => (deleted ? { action: 'api-key.revoked', target: { type: 'api-key', id: keyId } } : null),
    );
  }

  /** Revokes every key of the user at once (a password reset, "sign out everywhere"). */
  revokeAll(userId: string): Promise<number> {
    return this.audit.recordChange(
      (m) => this.keys.deleteAllForUser(userId, m),
      (count) => (count > 0 ? { action: 'api-key.revoked', target: { type: 'user', id: userId }, details: { count, all: true } } : null),
    );
  }

  /**
   * The principal for a presented key, or null. One query reads the key, its owner and the
   * owner's roles; a disabled owner or a wrong secret is null, compared in constant time.
   */
  async authenticate(keyId: string, secret: string): Promise<Principal | null> {
    if (!isUUID(keyId) || !isSecretFormat(secret)) {
      return null;
    }
    const row = await this.keys.findWithOwner(keyId);
    if (!row || !sameDigest(row.secret_hash, digest(secret)) || !row.active) {
      return null;
    }
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.markUsed(keyId);
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
