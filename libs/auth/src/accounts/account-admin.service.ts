import { Injectable } from '@nestjs/common';
import { SessionService } from '@app/session';
import type { EntityManager } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { RolesRepository } from '../users/roles.repository.js';
import { type RemovalOutcome, UserRemovalRepository } from '../users/user-removal.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { InvalidFormError } from './account-errors.js';
import { AccountMessages } from './account-messages.js';
import { AccountsService } from './accounts.service.js';

export interface NewMember {
  email: string;
  firstName: string;
  lastName: string;
  roles: string[];
}

export type InviteOutcome = { outcome: 'invited'; userId: string } | { outcome: 'taken' } | { outcome: 'unknown-roles'; roles: string[] };

/** `directory-managed`: an LDAP account's address is the directory's (names were saved). */
/** `invitation-moved`: the address of an invitation nobody accepted yet was corrected, and the invitation sent there. */
export type ProfileOutcome = 'saved' | 'email-pending' | 'invitation-moved' | 'taken' | 'not-found' | 'directory-managed';

export type ConfirmationOutcome = 'invitation' | 'confirmation' | 'already-confirmed' | 'not-found';

/**
 * What an operator does to someone else's account: create it by invitation, edit it, resend its
 * confirmation, force a password reset, delete it. The mechanisms are the account flows' own
 * (AccountMessages' links, AccountsService's email change, the session store); the policy of
 * who may do what to whom (not yourself, audit) is the admin lib's. Nothing here answers
 * differently for known and unknown addresses on purpose: the caller is an admin, who sees
 * every account anyway, so a taken address is a plain refusal.
 */
@Injectable()
export class AccountAdminService {
  constructor(
    private readonly users: UsersRepository,
    private readonly roles: RolesRepository,
    private readonly removal: UserRemovalRepository,
    private readonly accounts: AccountsService,
    private readonly messages: AccountMessages,
    private readonly tokens: OneTimeTokensService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /**
   * Creates the account without a password (nobody can sign in to it) and mails its owner a
   * single-use link to choose one. The admin never types or sees a password. Nothing is written
   * for a taken address or an unknown role.
   */
  async invite(member: NewMember): Promise<InviteOutcome> {
    const roles = [...new Set(member.roles)];
    const known = new Set(await this.roles.roleNames());
    const unknown = roles.filter((r) => !known.has(r));
    if (unknown.length > 0) {
      return { outcome: 'unknown-roles', roles: unknown };
    }
    const user = await this.users.create({ ...member, roles, passwordHash: null });
    if (!user) {
      return { outcome: 'taken' };
    }
    await this.messages.invitation(user.id, user.email, user.firstName);
    return { outcome: 'invited', userId: user.id };
  }

  isInvitationValid(token: unknown): Promise<boolean> {
    return this.tokens.peek(token, 'invite').then(Boolean);
  }

  /**
   * Sets the first password from an invitation link (the password policy applies) and confirms
   * the address the link went to, if it is still the account's. False for a bad link. Hashed
   * before the link is used up, so a busy hasher (503) leaves the link working.
   */
  async acceptInvitation(token: unknown, password: string): Promise<boolean> {
    const pending = await this.tokens.peek(token, 'invite');
    if (!pending) {
      return false;
    }
    const problem = passwordProblem(password, { email: pending.email });
    if (problem) {
      throw new InvalidFormError({ password: problem });
    }
    const hash = await this.hasher.hash(password);
    const redeemed = await this.tokens.redeem(token, 'invite');
    if (!redeemed) {
      return false;
    }
    await this.users.setPassword(redeemed.userId, hash);
    const user = await this.users.findById(redeemed.userId);
    if (user && user.email.toLowerCase() === redeemed.email.toLowerCase()) {
      await this.users.confirmEmail(user.id, user.email);
    }
    await this.tokens.retirePending(redeemed.userId, user?.email);
    return true;
  }

  /**
   * Names change at once; a new address only once the link mailed to it is used, exactly as when
   * the owner changes it (AccountsService.startEmailChange). A taken address changes nothing.
   * An invitation nobody accepted yet (no password, address never confirmed) is the exception:
   * most likely the address was mistyped, the old one proved nothing, so the address is corrected
   * at once and a fresh invitation (which confirms the new one) replaces the old.
   */
  async editProfile(userId: string, profile: { firstName: string; lastName: string; email: string }): Promise<ProfileOutcome> {
    const user = await this.users.findWithSecretById(userId);
    if (!user) {
      return 'not-found';
    }
    const emailChanges = profile.email.toLowerCase() !== user.email.toLowerCase();
    if (emailChanges && (await this.users.emailTaken(profile.email, user.id))) {
      return 'taken';
    }
    await this.users.updateNames(user.id, profile.firstName, profile.lastName);
    if (!emailChanges) {
      return 'saved';
    }
    if (user.authSource === 'ldap') {
      return 'directory-managed'; // moved here, its next LDAP sign-in would make a second account
    }
    if (!user.passwordHash && !user.emailConfirmedAt) {
      if (!(await this.users.moveUnconfirmedEmail(user.id, profile.email))) {
        return 'taken';
      }
      await this.tokens.retirePending(user.id);
      await this.messages.invitation(user.id, profile.email, profile.firstName);
      return 'invitation-moved';
    }
    const started = await this.accounts.startEmailChange({ ...user, firstName: profile.firstName }, profile.email);
    return started === 'sent' ? 'email-pending' : started === 'taken' ? 'taken' : 'saved';
  }

  /**
   * Mails the confirmation link again: the invitation for an account whose owner never chose a
   * password (it is their confirmation), the plain confirmation link otherwise.
   */
  async resendConfirmation(userId: string): Promise<ConfirmationOutcome> {
    const user = await this.users.findWithSecretById(userId);
    if (!user) {
      return 'not-found';
    }
    if (user.emailConfirmedAt) {
      return 'already-confirmed';
    }
    if (!user.passwordHash) {
      await this.messages.invitation(user.id, user.email, user.firstName);
      return 'invitation';
    }
    await this.messages.confirmEmail(user.id, user.email, user.firstName);
    return 'confirmation';
  }

  /**
   * For an account the operator believes is compromised: the password stops working, every
   * session and API key ends, pending links are retired, and the owner gets a reset link.
   * False for an unknown user.
   */
  async forcePasswordReset(userId: string): Promise<boolean> {
    if (!(await this.users.clearPassword(userId))) {
      return false;
    }
    await this.sessions.revokeAllForUser(userId);
    await this.apiKeys.revokeAll(userId);
    await this.tokens.retirePending(userId);
    const user = await this.users.findById(userId);
    // An LDAP account's password is the directory's: a reset link could only be refused.
    if (user && user.authSource !== 'ldap') {
      await this.messages.resetPassword(user.id, user.email, user.firstName);
    }
    return true;
  }

  /**
   * A hard delete, not anonymisation. What must outlive the person does not point at the row:
   * audit events keep their own snapshot of the address and lose the id (ON DELETE SET NULL), and
   * mail_outbox rows hold only the recipient address, kept as the record of what was sent until
   * OUTBOX_RETENTION_DAYS prunes them. An anonymised shell would keep a login-less row around for
   * nothing, hold personal data the owner asked to be rid of in its names, and need every query
   * on users to learn to skip it. Roles, API keys and one-time tokens cascade in the database;
   * sessions are in the session store and are ended right after (a session that slips through
   * finds no user on its next request and is destroyed by SessionPrincipalMiddleware).
   */
  async deleteAccount(userId: string, inTransaction?: (manager: EntityManager, email: string) => Promise<void>): Promise<RemovalOutcome> {
    const outcome = await this.removal.deleteUnlessLastAdmin(userId, inTransaction);
    if (outcome === 'deleted') {
      await this.sessions.revokeAllForUser(userId);
    }
    return outcome;
  }
}
