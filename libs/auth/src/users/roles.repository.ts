import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthStateCache } from './auth-state-cache.js';
import { isUserId } from './user-id.js';

/**
 * The roles there are and who holds which, in plain parameterised SQL like UsersRepository (why
 * there). Role names are checked against the table: an unknown name is reported back, never
 * silently dropped.
 */
@Injectable()
export class RolesRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly authStates: AuthStateCache,
  ) {}

  /** Replaces the user's roles inside the caller's transaction (a user is created with roles in one). */
  async setRolesWith(manager: EntityManager, userId: string, roles: string[]): Promise<void> {
    await manager.query(`DELETE FROM user_roles WHERE user_id = $1`, [userId]);
    if (roles.length > 0) {
      await manager.query(`INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = ANY($2::varchar[])`, [
        userId,
        roles,
      ]);
    }
    await this.authStates.invalidate(userId, manager); // at the caller's commit
  }

  /** Grants roles (kept: existing ones). Unknown role names are reported back, not ignored. */
  async addRoles(userId: string, roles: string[]): Promise<string[]> {
    const known = await queryRows<{ name: string }>(this.db, `SELECT name FROM roles WHERE name = ANY($1::varchar[])`, [roles]);
    await this.db.query(
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = ANY($2::varchar[]) ON CONFLICT DO NOTHING`,
      [userId, roles],
    );
    await this.authStates.invalidate(userId);
    const knownNames = new Set(known.map((r) => r.name));
    return roles.filter((r) => !knownNames.has(r));
  }

  /**
   * Makes the user's roles exactly `roles`, in one transaction. Unknown role names are reported
   * back and nothing changes; false (and nothing changes) when there is no such user.
   */
  async setRoles(
    userId: string,
    roles: string[],
    inTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<{ found: boolean; unknown: string[] }> {
    if (!isUserId(userId)) {
      return { found: false, unknown: [] };
    }
    return this.db.transaction(async (manager) => {
      const user = await queryRows<unknown>(manager, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
      const known = new Set((await this.roleNamesWith(manager)).filter((name) => roles.includes(name)));
      const unknown = roles.filter((name) => !known.has(name));
      if (user.length === 0 || unknown.length > 0) {
        return { found: user.length > 0, unknown };
      }
      await this.setRolesWith(manager, userId, roles);
      await manager.query(`UPDATE users SET updated_at = now() WHERE id = $1`, [userId]);
      await inTransaction?.(manager); // the audit row: it commits with the change or undoes it
      return { found: true, unknown: [] };
    });
  }

  /** Every role in the table (the built-in ones and any added with the CLI), by name. */
  roleNames(): Promise<string[]> {
    return this.roleNamesWith(this.db.manager);
  }

  private async roleNamesWith(manager: EntityManager): Promise<string[]> {
    return (await queryRows<{ name: string }>(manager, `SELECT name FROM roles ORDER BY name`)).map((r) => r.name);
  }

  async removeRoles(userId: string, roles: string[]): Promise<void> {
    await this.db.query(`DELETE FROM user_roles WHERE user_id = $1 AND role_id IN (SELECT id FROM roles WHERE name = ANY($2::varchar[]))`, [
      userId,
      roles,
    ]);
    await this.authStates.invalidate(userId);
  }

  async createRole(name: string, description: string): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `INSERT INTO roles (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, description],
    );
    return rows.length > 0;
  }
}
