import { Injectable, Logger } from '@nestjs/common';
import { AccountsService, type DirectoryUser, RolesRepository, UserDirectory } from '@app/auth';
import { SessionService, type SessionSummary } from '@app/session';

export const USERS_PER_PAGE = 25;

/** An action the admin may not take (on their own account, or with unknown roles): shown, not thrown as a 500. */
export class AdminActionRefusedError extends Error {}

export interface UserPage {
  users: DirectoryUser[];
  total: number;
  page: number;
  pages: number;
}

/**
 * What the admin panel does with users. Every change goes through the same services as the rest
 * of the app: disabling ends the user's sessions at once (AccountsService), roles apply on the
 * user's next request (read fresh each time), revoking deletes the session records.
 */
@Injectable()
export class AdminUsersService {
  /** Every change an admin makes is logged with who made it: the request log alone says only "a POST". */
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly directory: UserDirectory,
    private readonly roles: RolesRepository,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionService,
  ) {}

  async list(query: string, page: number): Promise<UserPage> {
    const { users, total } = await this.directory.search(query.trim(), (page - 1) * USERS_PER_PAGE, USERS_PER_PAGE);
    return { users, total, page, pages: Math.max(1, Math.ceil(total / USERS_PER_PAGE)) };
  }

  /** The user, their sessions and every role there is; null for an unknown (or malformed) id. */
  async detail(id: string): Promise<{ user: DirectoryUser; sessions: SessionSummary[]; allRoles: string[] } | null> {
    const user = await this.directory.findOne(id);
    if (!user) {
      return null;
    }
    const [sessions, allRoles] = await Promise.all([this.sessions.listForUser(user.id), this.roles.roleNames()]);
    return { user, sessions, allRoles };
  }

  /** False for an unknown user. An admin cannot disable themselves (nobody could undo it from here). */
  async setActive(actorId: string, userId: string, active: boolean): Promise<boolean> {
    if (!active && actorId === userId) {
      throw new AdminActionRefusedError('You cannot disable your own account.');
    }
    const found = await this.accounts.setActive(userId, active);
    if (found) {
      this.logger.log(`admin ${actorId} ${active ? 'enabled' : 'disabled'} user ${userId}`);
    }
    return found;
  }

  /** Makes the user's roles exactly `roles`. False for an unknown user. */
  async setRoles(actorId: string, userId: string, roles: string[]): Promise<boolean> {
    const wanted = [...new Set(roles)];
    if (actorId === userId && !wanted.includes('admin')) {
      throw new AdminActionRefusedError('You cannot remove your own admin role.');
    }
    const { found, unknown } = await this.roles.setRoles(userId, wanted);
    if (unknown.length > 0) {
      throw new AdminActionRefusedError(`No such role: ${unknown.join(', ')}.`);
    }
    if (found) {
      this.logger.log(`admin ${actorId} set the roles of user ${userId} to [${wanted.join(', ')}]`);
    }
    return found;
  }

  /** Signs the user out everywhere (the admin's own current session is kept). How many ended; null for an unknown user. */
  async revokeSessions(actorId: string, userId: string, keepSessionId?: string): Promise<number | null> {
    if (!(await this.directory.findOne(userId))) {
      return null;
    }
    const ended = await this.sessions.revokeAllForUser(userId, keepSessionId);
    this.logger.log(`admin ${actorId} ended ${ended} session(s) of user ${userId}`);
    return ended;
  }
}
