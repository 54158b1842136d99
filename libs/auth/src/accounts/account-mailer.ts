/** The mails accounts send, with the data each template needs (templates live in libs/mail). */
export interface AccountMails {
  'confirm-email': { firstName: string; confirmUrl: string; expiresInHours: number };
  'reset-password': { firstName: string; resetUrl: string; expiresInMinutes: number };
  'password-changed': { firstName: string; resetUrl: string };
  'account-exists': { firstName: string; loginUrl: string; resetUrl: string };
}

/**
 * Port to the mail lib: queues a mail (the worker renders and sends it). Rejects with a
 * dependency error when the queue is down, so the page answers 503 instead of pretending.
 * Bound to `MailService` in the apps; a recording fake in unit tests.
 */
export abstract class AccountMailer {
  abstract send<T extends keyof AccountMails>(template: T, to: string, data: AccountMails[T]): Promise<void>;
}
