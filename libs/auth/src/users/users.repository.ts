import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthStateCache } from './auth-state-cache.js';
import { RolesRepository } from './roles.repository.js';
import { isUserId } from './user-id.js';
import { type AuthSource, User } from './user.entity.js';

/** The users columns every read returns (the password hash only where asked for). */
// totp_enabled_at rides along so that login learns whether a second factor follows without a
// second round trip (the login path is benchmarked).
const USER_COLUMNS =
  'id, email, first_name, last_name, active, email_confirmed_at, auth_epoch, last_login_at, created_at, updated_at, auth_source, totp_enabled_at';

export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  email_confirmed_at: Date | null;
  auth_epoch: number;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  password_hash?: string | null;
  totp_enabled_at?: Date | null;
  auth_source?: AuthSource;
}

/** The columns every view of a user shares, camel-cased (UserDirectory builds on it too). */
export function userFieldsOf(row: Omit<UserRow, 'auth_epoch' | 'updated_at' | 'password_hash'>) {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    active: row.active,
    emailConfirmedAt: row.email_confirmed_at,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

function toUser(row: UserRow): User {
  return Object.assign(new User(), userFieldsOf(row), {
    authEpoch: row.auth_epoch,
    updatedAt: row.updated_at,
    totpEnabledAt: row.totp_enabled_at ?? null,
    authSource: row.auth_source ?? 'local',
    ...(row.password_hash === undefined ? {} : { passwordHash: row.password_hash }),
  });
}

/** What a request needs to know about its user, read in one indexed query. */
export interface UserAuthState {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  active: boolean;
  authEpoch: number;
  roles: string[];
  authSource: AuthSource;
}

export interface UserWithSecret extends User {
  passwordHash: string | null;
}

/**
 * Small, single-purpose queries on users, one per need (`findByEmail`, not `find(where)`), all
 * in plain parameterised SQL: the login path measured TypeORM's query builder and entity
 * hydration as a visible part of its CPU, and one style reads better than three. Writes that
 * must be atomic use `RETURNING` or one transaction. Roles: RolesRepository.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly roles: RolesRepository,
    private readonly authStates: AuthStateCache,
  ) {}

  /** Ids come from sessions and URLs; a malformed one is "not found", never a database error. */
  static isUserId(id: unknown): id is string {
    return isUserId(id);
  }

  async findAuthState(id: string): Promise<UserAuthState | null> {
    if (!UsersRepository.isUserId(id)) {
      return null;
    }
    const rows = await queryRows<{
      id: string;
      email: string;
      first_name: string;
      last_name: string;
      active: boolean;
      auth_epoch: number;
      roles: string[];
      auth_source: AuthSource;
    }>(
      this.db,
      `SELECT u.id, u.email, u.first_name, u.last_name, u.active, u.auth_epoch, u.auth_source,
                COALESCE(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS roles
           FROM users u
           LEFT JOIN user_roles ur ON ur.user_id = u.id
           LEFT JOIN roles r ON r.id = ur.role_id
          WHERE u.id = $1
          GROUP BY u.id`,
      [id],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          email: row.email,
          firstName: row.first_name,
          lastName: row.last_name,
          active: row.active,
          authEpoch: row.auth_epoch,
          roles: row.roles,
          authSource: row.auth_source,
        }
      : null;
  }

  async findById(id: string): Promise<User | null> {
    if (!UsersRepository.isUserId(id)) {
      return null;
    }
    return this.findOneWhere(this.db, 'id = $1', id);
  }

  private async findOneWhere(executor: DataSource | EntityManager, condition: string, value: string, withSecret = false): Promise<User | null> {
    const rows = await queryRows<UserRow>(
      executor,
      `SELECT ${USER_COLUMNS}${withSecret ? ', password_hash' : ''} FROM users WHERE ${condition}`,
      [value],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** With the password hash, for the checks that need it (every login runs this). */
  findWithSecretByEmail(email: string): Promise<UserWithSecret | null> {
    return this.findOneWhere(this.db, 'lower(email) = lower($1)', email, true) as Promise<UserWithSecret | null>;
  }

  async findWithSecretById(id: string): Promise<UserWithSecret | null> {
    if (!UsersRepository.isUserId(id)) {
      return null;
    }
    return this.findOneWhere(this.db, 'id = $1', id, true) as Promise<UserWithSecret | null>;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.findOneWhere(this.db, 'lower(email) = lower($1)', email);
  }

  async emailTaken(email: string, exceptUserId?: string): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `SELECT 1 FROM users WHERE lower(email) = lower($1) AND ($2::uuid IS NULL OR id <> $2::uuid) LIMIT 1`,
      [email, exceptUserId ?? null],
    );
    return rows.length > 0;
  }

  /**
   * Inserts a user with roles in one transaction. Returns null when the address is taken (the
   * unique index decides, so two concurrent registrations cannot both win).
   */
  async create(input: {
    email: string;
    firstName: string;
    lastName: string;
    /** Null for an invited account: nobody can sign in to it until its owner chooses a password. */
    passwordHash: string | null;
    roles: string[];
    emailConfirmedAt?: Date | null;
    /** Default `local`; `ldap` for an account made by its first LDAP sign-in (no password hash). */
    authSource?: AuthSource;
  }): Promise<User | null> {
    return this.db.transaction(async (manager) => {
      const inserted = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO users (email, first_name, last_name, password_hash, email_confirmed_at, auth_source)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ((lower(email))) DO NOTHING
         RETURNING id`,
        [input.email, input.firstName, input.lastName, input.passwordHash, input.emailConfirmedAt ?? null, input.authSource ?? 'local'],
      );
      if (inserted.length === 0) {
        return null;
      }
      const id = inserted[0].id;
      await this.roles.setRolesWith(manager, id, input.roles);
      return this.findOneWhere(manager, 'id = $1', id);
    });
  }

  async countUsers(): Promise<number> {
    const rows = await queryRows<{ n: string }>(this.db, `SELECT count(*) AS n FROM users`);
    return Number(rows[0].n);
  }

  /** Sets a new hash and bumps the epoch, which makes every existing session stale. */
  async setPassword(userId: string, passwordHash: string, executor: DataSource | EntityManager = this.db): Promise<number> {
    const rows = await queryRows<{ auth_epoch: number }>(
      executor,
      `UPDATE users SET password_hash = $2, auth_epoch = auth_epoch + 1, updated_at = now() WHERE id = $1 RETURNING auth_epoch`,
      [userId, passwordHash],
    );
    await this.authStates.invalidate(userId, executor);
    return rows[0]?.auth_epoch ?? 0;
  }

  /**
   * Removes the password (an admin's forced reset): sign-in is refused until the owner sets a new
   * one from a reset link, and the epoch bump makes every session stale. False for an unknown user.
   */
  async clearPassword(userId: string): Promise<boolean> {
    if (!UsersRepository.isUserId(userId)) {
      return false;
    }
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE users SET password_hash = NULL, auth_epoch = auth_epoch + 1, updated_at = now() WHERE id = $1 RETURNING id`,
      [userId],
    );
    await this.authStates.invalidate(userId);
    return rows.length > 0;
  }

  /** Same hash strength raised (argon2 parameters went up): not a password change, the epoch stays. */
  async replaceHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
  }

  async confirmEmail(userId: string, email: string, executor: DataSource | EntityManager = this.db): Promise<boolean> {
    // The address must still be free: someone may have registered it since the link was sent.
    const rows = await queryRows<unknown>(
      executor,
      `UPDATE users SET email = $2, email_confirmed_at = now(), updated_at = now()
        WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower($2) AND o.id <> $1)
        RETURNING id`,
      [userId, email],
    );
    await this.authStates.invalidate(userId, executor);
    return rows.length > 0;
  }

  async updateNames(userId: string, firstName: string, lastName: string): Promise<void> {
    await this.db.query(`UPDATE users SET first_name = $2, last_name = $3, updated_at = now() WHERE id = $1`, [
      userId,
      firstName,
      lastName,
    ]);
    await this.authStates.invalidate(userId);
  }

  /**
   * A pending invitation's address corrected by an admin: written unconfirmed (the new invitation
   * confirms it), only while the address was never confirmed and the new one is free. False otherwise.
   */
  async moveUnconfirmedEmail(userId: string, email: string): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE users SET email = $2, updated_at = now()
        WHERE id = $1 AND email_confirmed_at IS NULL AND NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower($2) AND o.id <> $1)
        RETURNING id`,
      [userId, email],
    );
    await this.authStates.invalidate(userId);
    return rows.length > 0;
  }

  /** Disabling bumps the epoch too, so a session that survives the revoke is still refused. */
  async setActive(userId: string, active: boolean, executor: DataSource | EntityManager = this.db): Promise<boolean> {
    const rows = await queryRows<unknown>(
      executor,
      `UPDATE users SET active = $2, auth_epoch = auth_epoch + CASE WHEN $2 THEN 0 ELSE 1 END, updated_at = now() WHERE id = $1 RETURNING id`,
      [userId, active],
    );
    await this.authStates.invalidate(userId, executor);
    return rows.length > 0;
  }
}
