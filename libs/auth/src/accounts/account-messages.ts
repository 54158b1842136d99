import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { MailService } from '@app/mail';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { AccountLinks } from './account-links.js';

/**
 * The mails of the account flows, each with what it needs: a fresh single-use token, a link
 * built from the configured base URL, and the template. Keeps AccountsService about decisions,
 * not about how a link is made. Mails go through the mail lib's MailService, typed by its
 * template map, and are sent by the worker; when the queue is down `send` rejects with a
 * dependency error, so the page answers 503 instead of pretending.
 */
@Injectable()
export class AccountMessages {
  constructor(
    private readonly tokens: OneTimeTokensService,
    private readonly mailer: MailService,
    private readonly links: AccountLinks,
    private readonly config: AppConfig,
  ) {}

  /** A confirmation link for `email` (a new account's address, or the address an account moves to). */
  async confirmEmail(userId: string, email: string, firstName: string): Promise<void> {
    const ttl = this.config.auth.confirmTokenTtlMs;
    const token = await this.tokens.issue(userId, 'confirm-email', email, ttl);
    await this.mailer.send('confirm-email', email, {
      firstName,
      confirmUrl: this.links.confirmEmail(token),
      expiresInHours: Math.round(ttl / 3_600_000),
    });
  }

  /** `idempotencyKey`: from a job that may run twice, so a retry does not mail a second link. */
  async resetPassword(userId: string, email: string, firstName: string, idempotencyKey?: string): Promise<void> {
    const ttl = this.config.auth.resetTokenTtlMs;
    const token = await this.tokens.issue(userId, 'reset-password', email, ttl);
    await this.mailer.send(
      'reset-password',
      email,
      { firstName, resetUrl: this.links.resetPassword(token), expiresInMinutes: Math.round(ttl / 60_000) },
      { idempotencyKey },
    );
  }

  /**
   * The set-password link of an account an admin created. It lives as long as a confirmation
   * link (AUTH_CONFIRM_TOKEN_TTL_HOURS): using it confirms the address too, and a person who was
   * not expecting the mail needs about as long to notice it.
   */
  async invitation(userId: string, email: string, firstName: string): Promise<void> {
    const ttl = this.config.auth.confirmTokenTtlMs;
    const token = await this.tokens.issue(userId, 'invite', email, ttl);
    await this.mailer.send('invitation', email, {
      firstName,
      inviteUrl: this.links.acceptInvitation(token),
      expiresInHours: Math.round(ttl / 3_600_000),
    });
  }

  /** Tells the owner of an address that someone tried to register it (or move an account to it). */
  async accountExists(email: string, firstName: string): Promise<void> {
    await this.mailer.send('account-exists', email, { firstName, loginUrl: this.links.login(), resetUrl: this.links.forgotPassword() });
  }

  /** Tells the old address that the account moved to another one (which it names only partly). */
  async emailChanged(oldEmail: string, firstName: string, newEmail: string): Promise<void> {
    await this.mailer.send('email-changed', oldEmail, { firstName, newEmailHint: maskAddress(newEmail), loginUrl: this.links.login() });
  }

  async passwordChanged(email: string, firstName: string): Promise<void> {
    await this.mailer.send('password-changed', email, { firstName, resetUrl: this.links.forgotPassword() });
  }
}

/** `ada.lovelace@example.net` → `a***@example.net`: enough for the owner to recognise it, not to harvest it. */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}
