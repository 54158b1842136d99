import { Injectable } from '@nestjs/common';
import { JobQueue } from '@app/queue';
import { SessionService } from '@app/session';
import { ApiKeysService, type NewApiKey } from '../api-keys/api-keys.service.js';
import type { Principal } from '../access/principal.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { InvalidFormError } from './account-errors.js';
import { AccountMessages } from './account-messages.js';

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
    private readonly sessions: SessionService,
    private readonly jobs: JobQueue,
    private readonly apiKeys: ApiKeysService,
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
    if (!(await this.users.confirmEmail(redeemed.userId, redeemed.email))) {
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
    if (!user || !user.active) {
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
    if (!pending) {
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
    await this.users.setPassword(redeemed.userId, await this.hasher.hash(password));
    const user = await this.users.findById(redeemed.userId);
    if (user && user.email.toLowerCase() === redeemed.email.toLowerCase()) {
      await this.users.confirmEmail(redeemed.userId, user.email);
    }
    await this.tokens.retirePending(redeemed.userId, user?.email);
    await this.sessions.revokeAllForUser(redeemed.userId);
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
    const epoch = await this.users.setPassword(userId, await this.hasher.hash(newPassword));
    await this.tokens.retirePending(userId, user.email);
    await this.notifyPasswordChanged(userId);
    return epoch;
  }

  async endOtherSessions(userId: string, keepSessionId: string | undefined): Promise<void> {
    await this.sessions.revokeAllForUser(userId, keepSessionId);
  }

  /**
   * "Sign out everywhere else": needs the password, because a stolen session must not lock the
   * owner out. It ends the other sessions and revokes the user's API keys too: a key is a
   * session that never expires, and one minted from a stolen session must end with it.
   */
  async revokeOtherSessions(userId: string, password: string, keepSessionId: string | undefined): Promise<void> {
    await this.checkPassword(userId, password);
    await this.sessions.revokeAllForUser(userId, keepSessionId);
    await this.apiKeys.revokeAll(userId);
  }

  /** A new API key from the account pages: needs the current password, so a stolen session cannot mint one. */
  async createApiKey(owner: Pick<Principal, 'userId' | 'roles'>, password: string, label: string): Promise<NewApiKey> {
    await this.checkPassword(owner.userId, password);
    return this.apiKeys.create(owner, label);
  }

  private async checkPassword(userId: string, password: string): Promise<void> {
    const user = await this.users.findWithSecretById(userId);
    if (!user?.passwordHash || !(await this.hasher.verify(user.passwordHash, password))) {
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
    if (!user?.passwordHash || !(await this.hasher.verify(user.passwordHash, password))) {
      throw new InvalidFormError({ password: 'This is not your current password.' });
    }
    if (newEmail.toLowerCase() === user.email.toLowerCase()) {
      throw new InvalidFormError({ email: 'This is already your address.' });
    }
    if (await this.users.emailTaken(newEmail, userId)) {
      const owner = await this.users.findByEmail(newEmail);
      await this.messages.accountExists(owner?.email ?? newEmail, owner?.firstName ?? '');
      return;
    }
    await this.messages.confirmEmail(userId, newEmail, user.firstName);
  }

  /**
   * Disabling ends every session of the user at once (the epoch bump refuses any that slips
   * through) and retires every pending link, so re-enabling does not revive an old one.
   */
  async setActive(userId: string, active: boolean): Promise<boolean> {
    const found = await this.users.setActive(userId, active);
    if (found && !active) {
      await this.sessions.revokeAllForUser(userId);
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
