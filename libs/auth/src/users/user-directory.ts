import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource } from 'typeorm';
import { type UserRow, userFieldsOf, UsersRepository } from './users.repository.js';

/** One user as the admin pages show it: no password hash, roles by name. */
export interface DirectoryUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  active: boolean;
  emailConfirmedAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  roles: string[];
}

interface Row extends Omit<UserRow, 'auth_epoch' | 'updated_at' | 'password_hash'> {
  roles: string[];
  total: string;
}

const COLUMNS = `u.id, u.email, u.first_name, u.last_name, u.active, u.email_confirmed_at, u.last_login_at, u.created_at,
  COALESCE(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS roles`;
const FROM = `FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id`;
/** $1: the search as typed ('' matches everyone), $2: its LIKE pattern. */
const MATCHES = `($1 = '' OR u.email ILIKE $2 OR u.first_name ILIKE $2 OR u.last_name ILIKE $2)`;

/** `%`, `_` and `\` typed into the search box are matched as themselves, not as LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The read side over users for listings (the admin panel): search and one user's details, each
 * one query. Auth owns the users tables, so their SQL lives here; other libs use this class and
 * never query the tables themselves. Writes go through AccountsService and UsersRepository, so
 * that disabling or a role change has the same effects (sessions ended, epoch bumped) wherever
 * it comes from.
 */
@Injectable()
export class UserDirectory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first; `query` matches anywhere in the email or either name, case-insensitively. */
  async search(query: string, offset: number, limit: number): Promise<{ users: DirectoryUser[]; total: number }> {
    const rows = await queryRows<Row>(
      this.db,
      `SELECT ${COLUMNS}, count(*) OVER () AS total ${FROM}
        WHERE ${MATCHES}
        GROUP BY u.id ORDER BY u.created_at DESC, u.id LIMIT $3 OFFSET $4`,
      [query, likePattern(query), limit, offset],
    );
    return { users: rows.map(toUser), total: rows.length > 0 ? Number(rows[0].total) : await this.count(query) };
  }

  async findOne(id: string): Promise<DirectoryUser | null> {
    if (!UsersRepository.isUserId(id)) {
      return null;
    }
    const rows = await queryRows<Row>(this.db, `SELECT ${COLUMNS}, 0 AS total ${FROM} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows.length > 0 ? toUser(rows[0]) : null;
  }

  /** For a page past the end, which has no rows to carry the window count. */
  private async count(query: string): Promise<number> {
    const rows = await queryRows<{ n: string }>(
      this.db,
      `SELECT count(*) AS n FROM users u WHERE ${MATCHES}`,
      [query, likePattern(query)],
    );
    return Number(rows[0].n);
  }
}

function toUser(row: Row): DirectoryUser {
  return { ...userFieldsOf(row), roles: row.roles };
}
