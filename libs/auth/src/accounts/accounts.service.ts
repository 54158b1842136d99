import { Injectable } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { JobQueue } from '@app/queue';
import { ApiKeysService, type NewApiKey } from '../api-keys/api-keys.service.js';
import type { Principal } from '../access/principal.js';
import { CurrentPassword } from '../passwords/current-password.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { LDAP_MANAGED } from '../ldap/ldap-managed.js';
import { InvalidFormError } from './account-errors.js';
import { AccountMessages } from './account-messages.js';
import { SessionRevocations } from './session-revocations.js';

export interface Registration {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

/**
 * Account lifecycle: registration, confirmation, password reset and change, profile and email
 * changes, disabling. Every answer that could reveal whether an address is registered is the
 * same both ways; the difference only shows up in the mailbox of the address's owner.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: OneTimeTokensService,
    private readonly messages: AccountMessages,
    private readonly jobs: JobQueue,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditLog,
    private readonly currentPassword: CurrentPassword,
    private readonly revocations: SessionRevocations,
  ) {}

  /** Creates the account and mails a confirmation link; for a taken address, mails its owner instead. */
  async register(input: Registration): Promise<void> {
    const problem = passwordProblem(input.password, { email: input.email });
    if (problem) {
      throw new InvalidFormError({ password: problem });
    }
    // Hash before looking the address up, so both paths cost the same.
    const passwordHash = await this.hasher.hash(input.password);
    const user = await this.users.create({
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      passwordHash,
      roles: ['user'],
    });
    if (!user) {
      const owner = await this.users.findByEmail(input.email);
      await this.messages.accountExists(owner?.email ?? input.email, owner?.firstName ?? '');
      return;
    }
    await this.messages.confirmEmail(user.id, user.email, user.firstName);
  }

  /**
   * True when the link was valid: the address it was sent to is now the account's, confirmed.
   * When that moves the account to another address, the old address gets a notice and every
   * other pending link (resets sent to the old address, other email changes) is retired.
   */
  async confirmEmail(token: unknown): Promise<boolean> {
    const redeemed = await this.tokens.redeem(token, 'confirm-email');
    if (!redeemed) {
      return false;
    }
    const before = await this.users.findById(redeemed.userId);
    const moved = before !== null && before.email.toLowerCase() !== redeemed.email.toLowerCase();
    const confirmed = await this.audit.recordChange(
      (m) => this.users.confirmEmail(redeemed.userId, redeemed.email, m),
      (ok) =>
        ok && moved
          ? {
              action: 'account.email-changed',
              actor: { id: redeemed.userId },
              target: { type: 'user', id: redeemed.userId },
              details: { previousEmail: before.email },
            }
          : null,
    );
    if (!confirmed) {
      return false;
    }
    if (before && before.email.toLowerCase() !== redeemed.email.toLowerCase()) {
      await this.tokens.retirePending(redeemed.userId);
      await this.messages.emailChanged(before.email, before.firstName, redeemed.email);
    }
    return true;
  }

  /**
   * Forgot-password, the request's half: only queues `accounts.forgot-password` with the address
   * as typed, so a known and an unknown address cost the same and fail the same (503 when the
   * queue is down). The worker does the lookup and the mail (`sendPasswordReset`).
   */
  async requestPasswordReset(email: string): Promise<void> {
    await this.jobs.enqueue('accounts.forgot-password', { email: email.trim() });
  }

  /**
   * The worker's half: mails a reset link if the address belongs to an active account. True when
   * a mail was queued. `idempotencyKey` (the job's id) keeps a retried job to one mail.
   */
  async sendPasswordReset(email: string, idempotencyKey?: string): Promise<boolean> {
    const user = await this.users.findByEmail(email.trim());
    if (!user || !user.active || user.authSource === 'ldap') {
      return false;
    }
    await this.messages.resetPassword(user.id, user.email, user.firstName, idempotencyKey);
    return true;
  }

  isResetTokenValid(token: unknown): Promise<boolean> {
    return this.tokens.peek(token, 'reset-password').then(Boolean);
  }

  /**
   * Sets a new password from a reset link, ends every session of the user, revokes their API
   * keys (a reset is what an owner does after losing control; a key minted by whoever had it must
   * not outlive it) and retires every other pending reset or email-change link. A reset proves
   * control of the mailbox it was sent to, so that address counts as confirmed if it is still the
   * account's; it never changes the account's address back to it. False for a bad link.
   */
  async resetPassword(token: unknown, password: string): Promise<boolean> {
    const pending = await this.tokens.peek(token, 'reset-password');
    if (!pending || (await this.users.findById(pending.userId))?.authSource === 'ldap') {
      return false;
    }
    const problem = passwordProblem(password, { email: pending.email });
    if (problem) {
      throw new InvalidFormError({ password: problem });
    }
    const redeemed = await this.tokens.redeem(token, 'reset-password');
    if (!redeemed) {
      return false;
    }
    const passwordHash = await this.hasher.hash(password);
    const actor = { id: redeemed.userId }; // the link proved control of the mailbox; no one is signed in
    await this.audit.recordChange(
      (m) => this.users.setPassword(redeemed.userId, passwordHash, m),
      () => ({ action: 'account.password-reset', actor, target: { type: 'user', id: redeemed.userId } }),
    );
    const user = await this.users.findById(redeemed.userId);
    if (user && user.email.toLowerCase() === redeemed.email.toLowerCase()) {
      await this.users.confirmEmail(redeemed.userId, user.email);
    }
    await this.tokens.retirePending(redeemed.userId, user?.email);
    await this.revocations.endAll(redeemed.userId, undefined, actor);
    await this.apiKeys.revokeAll(redeemed.userId);
    await this.notifyPasswordChanged(redeemed.userId);
    return true;
  }

  /**
   * Changes the password after checking the current one; returns the new auth epoch. The caller
   * re-issues its own session under the new epoch and passes its id to `endOtherSessions`.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<number> {
    const user = await this.users.findWithSecretById(userId);
    if (user?.authSource === 'ldap') {
      throw new InvalidFormError({ currentPassword: LDAP_MANAGED.password });
    }
    if (!user?.passwordHash || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new InvalidFormError({ currentPassword: 'This is not your current password.' });
    }
    const problem = passwordProblem(newPassword, { email: user.email });
    if (problem) {
      throw new InvalidFormError({ newPassword: problem });
    }
    if (newPassword === currentPassword) {
      throw new InvalidFormError({ newPassword: 'Choose a password different from the current one.' });
    }
    const passwordHash = await this.hasher.hash(newPassword);
    const epoch = await this.audit.recordChange(
      (m) => this.users.setPassword(userId, passwordHash, m),
      () => ({ action: 'account.password-changed', target: { type: 'user', id: userId } }),
    );
    await this.tokens.retirePending(userId, user.email);
    await this.notifyPasswordChanged(userId);
    return epoch;
  }

  async endOtherSessions(userId: string, keepSessionId: string | undefined): Promise<void> {
    await this.revocations.endAll(userId, keepSessionId);
  }

  /** After a sign-out destroyed its session. */
  recordSignOut(userId: string | undefined): Promise<void> {
    return this.revocations.recordSignOut(userId);
  }

  revokeSession(userId: string, sessionId: string): Promise<boolean> {
    return this.revocations.revokeOne(userId, sessionId);
  }

  /**
   * "Sign out everywhere else": needs the password, because a stolen session must not lock the
   * owner out. It ends the other sessions and revokes the user's API keys too: a key is a
   * session that never expires, and one minted from a stolen session must end with it.
   */
  async revokeOtherSessions(userId: string, password: string, keepSessionId: string | undefined): Promise<void> {
    await this.checkPassword(userId, password);
    await this.revocations.endAll(userId, keepSessionId);
    await this.apiKeys.revokeAll(userId);
  }

  /** A new API key from the account pages: needs the current password, so a stolen session cannot mint one. */
  async createApiKey(owner: Pick<Principal, 'userId' | 'roles'>, password: string, label: string): Promise<NewApiKey> {
    await this.checkPassword(owner.userId, password);
    return this.apiKeys.create(owner, label);
  }

  private async checkPassword(userId: string, password: string): Promise<void> {
    const user = await this.users.findWithSecretById(userId);
    if (!user || !(await this.currentPassword.matches(user, password))) {
      throw new InvalidFormError({ password: 'This is not your current password.' });
    }
  }

  async updateNames(userId: string, firstName: string, lastName: string): Promise<void> {
    await this.users.updateNames(userId, firstName, lastName);
  }

  /**
   * Starts an email change: needs the password; the new address becomes the account's only once
   * the link mailed to it is used. The answer is the same whether or not the address is taken.
   */
  async requestEmailChange(userId: string, password: string, newEmail: string): Promise<void> {
    const user = await this.users.findWithSecretById(userId);
    if (user?.authSource === 'ldap') {
      throw new InvalidFormError({ email: LDAP_MANAGED.email });
    }
    if (!user?.passwordHash || !(await this.hasher.verify(user.passwordHash, password))) {
      throw new InvalidFormError({ password: 'This is not your current password.' });
    }
    const started = await this.startEmailChange(user, newEmail);
    if (started === 'same') {
      throw new InvalidFormError({ email: 'This is already your address.' });
    }
    if (started === 'taken') {
      const owner = await this.users.findByEmail(newEmail);
      await this.messages.accountExists(owner?.email ?? newEmail, owner?.firstName ?? '');
    }
  }

  /**
   * An email change once the caller may make it (the owner typed their password, or an admin):
   * mails a confirmation link to `newEmail`; `confirmEmail` moves the account when it is used.
   * Nothing is sent for the current address or one that is taken: the caller decides what the
   * asker hears (the owner the same answer both ways, an admin a 409).
   */
  async startEmailChange(
    user: { id: string; email: string; firstName: string },
    newEmail: string,
  ): Promise<'sent' | 'same' | 'taken'> {
    if (newEmail.toLowerCase() === user.email.toLowerCase()) {
      return 'same';
    }
    if (await this.users.emailTaken(newEmail, user.id)) {
      return 'taken';
    }
    await this.messages.confirmEmail(user.id, newEmail, user.firstName);
    return 'sent';
  }

  /**
   * Disabling ends every session of the user at once (the epoch bump refuses any that slips
   * through) and retires every pending link, so re-enabling does not revive an old one.
   */
  async setActive(userId: string, active: boolean): Promise<boolean> {
    const found = await this.audit.recordChange(
      (m) => this.users.setActive(userId, active, m),
      (ok) => (ok ? { action: active ? 'user.enabled' : 'user.disabled', target: { type: 'user', id: userId } } : null),
    );
    if (found && !active) {
      await this.revocations.endAll(userId);
      await this.tokens.retirePending(userId);
    }
    return found;
  }

  private async notifyPasswordChanged(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (user) {
      await this.messages.passwordChanged(user.email, user.firstName);
    }
  }
}
