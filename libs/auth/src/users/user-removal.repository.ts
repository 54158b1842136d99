import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthStateCache } from './auth-state-cache.js';
import { isUserId } from './user-id.js';

export type RemovalOutcome = 'deleted' | 'not-found' | 'last-admin';

/**
 * Deleting a user row, the one write on users that must look at the other admins first. Its
 * roles, API keys and one-time tokens go with it (their foreign keys are ON DELETE CASCADE);
 * sessions live in the session store, which AccountAdminService clears right after.
 */
@Injectable()
export class UserRemovalRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly authStates: AuthStateCache,
  ) {}

  /**
   * Deletes the user unless that would leave no active admin. The admins' rows are locked first,
   * so two admins deleting each other at the same moment cannot both succeed: the second waits,
   * then finds itself the last one (a row deleted meanwhile is not returned by FOR UPDATE).
   */
  async deleteUnlessLastAdmin(
    userId: string,
    inTransaction?: (manager: EntityManager, email: string) => Promise<void>,
  ): Promise<RemovalOutcome> {
    if (!isUserId(userId)) {
      return 'not-found';
    }
    return this.db.transaction(async (manager) => {
      const admins = await queryRows<{ id: string; active: boolean }>(
        manager,
        `SELECT u.id, u.active FROM users u
           JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
          WHERE r.name = 'admin'
          ORDER BY u.id
          FOR UPDATE OF u`,
      );
      const isAdmin = admins.some((a) => a.id === userId);
      if (isAdmin && !admins.some((a) => a.id !== userId && a.active)) {
        return 'last-admin';
      }
      const deleted = await queryRows<{ email: string }>(manager, `DELETE FROM users WHERE id = $1 RETURNING email`, [userId]);
      if (deleted.length > 0) {
        await inTransaction?.(manager, deleted[0].email); // the audit row: it commits with the delete or undoes it
      }
      await this.authStates.invalidate(userId, manager); // at the commit
      return deleted.length > 0 ? 'deleted' : 'not-found';
    });
  }
}
