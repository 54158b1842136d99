import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { AccountAdminService, AccountsService, type DirectoryUser, type NewMember, RolesRepository, UserDirectory } from '@app/auth';
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
    private readonly accountAdmin: AccountAdminService,
    private readonly audit: AuditLog,
  ) {}

  async list(query: string, page: number): Promise<UserPage> {
    const { users, total } = await this.directory.search(query.trim(), (page - 1) * USERS_PER_PAGE, USERS_PER_PAGE);
    return { users, total, page, pages: Math.max(1, Math.ceil(total / USERS_PER_PAGE)) };
  }

  /** Every role there is, for the new-user form. */
  roleNames(): Promise<string[]> {
    return this.roles.roleNames();
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
    // The audit row is written in the roles' own transaction: both commit, or neither does.
    const event = {
      action: 'user.roles-changed',
      actor: { id: actorId },
      target: { type: 'user', id: userId },
      details: { roles: wanted },
    } as const;
    const { found, unknown } = await this.roles.setRoles(userId, wanted, (m) => this.audit.record(event, m));
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
    const details = { scope: keepSessionId === undefined ? 'all' : 'others', count: ended };
    await this.audit.record({ action: 'sessions.revoked', actor: { id: actorId }, target: { type: 'user', id: userId }, details });
    this.logger.log(`admin ${actorId} ended ${ended} session(s) of user ${userId}`);
    return ended;
  }

  /** Creates the account and mails its owner an invitation (a set-password link). The new user's id. */
  async create(actorId: string, member: NewMember): Promise<string> {
    const result = await this.accountAdmin.invite(member);
    if (result.outcome === 'taken') {
      throw new AdminActionRefusedError(`An account with the address ${member.email} already exists.`);
    }
    if (result.outcome === 'unknown-roles') {
      throw new AdminActionRefusedError(`No such role: ${result.roles.join(', ')}.`);
    }
    this.logger.log(`admin ${actorId} created user ${result.userId} and sent an invitation`);
    // After the change (the invitation spans its transaction and a mail): a failed row is a 503 the admin sees.
    await this.audit.record({ action: 'user.created', actor: { id: actorId }, target: { type: 'user', id: result.userId } });
    return result.userId;
  }

  /** Names at once, a new address once confirmed. Null for an unknown user; refused for a taken address. */
  async edit(
    actorId: string,
    userId: string,
    profile: { firstName: string; lastName: string; email: string },
  ): Promise<'saved' | 'email-pending' | 'invitation-moved' | null> {
    const outcome = await this.accountAdmin.editProfile(userId, profile);
    if (outcome === 'not-found') {
      return null;
    }
    if (outcome === 'taken') {
      throw new AdminActionRefusedError(`Another account already uses the address ${profile.email}.`);
    }
    if (outcome === 'directory-managed') {
      throw new AdminActionRefusedError(
        'This account signs in through LDAP: its address comes from the directory and changes there (the names were saved).',
      );
    }
    this.logger.log(`admin ${actorId} edited user ${userId}${outcome === 'saved' ? '' : ` (${outcome})`}`);
    await this.audit.record({ action: 'user.updated', actor: { id: actorId }, target: { type: 'user', id: userId }, details: { outcome } });
    return outcome;
  }

  /** Which mail went out (the invitation for an account without a password yet); null for an unknown user. */
  async resendConfirmation(actorId: string, userId: string): Promise<'invitation' | 'confirmation' | null> {
    const outcome = await this.accountAdmin.resendConfirmation(userId);
    if (outcome === 'not-found') {
      return null;
    }
    if (outcome === 'already-confirmed') {
      throw new AdminActionRefusedError('The address is already confirmed: there is nothing to resend.');
    }
    this.logger.log(`admin ${actorId} resent the ${outcome} mail of user ${userId}`);
    await this.audit.record({
      action: 'user.confirmation-resent',
      actor: { id: actorId },
      target: { type: 'user', id: userId },
      details: { mail: outcome },
    });
    return outcome;
  }

  /** The password stops working, sessions and API keys end, a reset link is mailed. False for an unknown user. */
  async forcePasswordReset(actorId: string, userId: string): Promise<boolean> {
    const found = await this.accountAdmin.forcePasswordReset(userId);
    if (found) {
      this.logger.log(`admin ${actorId} forced a password reset of user ${userId}`);
      await this.audit.record({ action: 'user.password-reset-forced', actor: { id: actorId }, target: { type: 'user', id: userId } });
    }
    return found;
  }

  /**
   * Deletes the account (see AccountAdminService.deleteAccount for why a hard delete). Refused
   * for the admin's own account and for the last active admin; false for an unknown user.
   */
  async delete(actorId: string, userId: string): Promise<boolean> {
    if (actorId === userId) {
      throw new AdminActionRefusedError('You cannot delete your own account.');
    }
    // In the delete's transaction, labelled with the address the row had: both commit or neither.
    const outcome = await this.accountAdmin.deleteAccount(userId, (m, email) =>
      this.audit.record({ action: 'user.deleted', actor: { id: actorId }, target: { type: 'user', id: userId, label: email } }, m),
    );
    if (outcome === 'last-admin') {
      throw new AdminActionRefusedError('This is the last active admin: give another account the admin role first.');
    }
    if (outcome === 'deleted') {
      this.logger.log(`admin ${actorId} deleted user ${userId}`);
    }
    return outcome === 'deleted';
  }
}
