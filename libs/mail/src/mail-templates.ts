import type { ErrorReportPayload } from '@app/queue';

/**
 * Every mail the app can send, with the variables its template needs. `MailService.send` is typed
 * by this map, so a missing or misspelt variable is a compile error, not a blank in a mail.
 * Each entry has `templates/<name>.njk` (an HTML block and a text block on the shared layout)
 * and a subject below.
 */
export interface MailTemplates {
  'confirm-email': { firstName: string; confirmUrl: string; expiresInHours: number };
  'reset-password': { firstName: string; resetUrl: string; expiresInMinutes: number };
  'password-changed': { firstName: string; resetUrl: string };
  /** To the old address when an account's address changes; `newEmailHint` is the new one, partly masked. */
  'email-changed': { firstName: string; newEmailHint: string; loginUrl: string };
  /** Sent when someone tries to register an address that already has an account. */
  'account-exists': { firstName: string; loginUrl: string; resetUrl: string };
  /** To a person an admin created an account for: a single-use link to choose their password. */
  invitation: { firstName: string; inviteUrl: string; expiresInHours: number };
  /** `npm run cli -- mail:test <to>`: proves SMTP works end to end. */
  test: { requestedAt: string };
  'error-report': ErrorReportPayload & { environment: string };
}

export type MailTemplateName = keyof MailTemplates;

/** Subjects are plain text (no HTML, no user-controlled newlines: nodemailer encodes the header). */
export const MAIL_SUBJECTS: { readonly [T in MailTemplateName]: (data: MailTemplates[T]) => string } = {
  'confirm-email': () => 'Confirm your email address',
  'reset-password': () => 'Reset your password',
  'password-changed': () => 'Your password was changed',
  'email-changed': () => 'Your email address was changed',
  'account-exists': () => 'You already have an account',
  invitation: () => 'Your new account: choose a password',
  test: () => 'Test mail',
  'error-report': (d) =>
    `[${d.environment}] ${d.errorName} ${d.source === 'job' ? `in job ${d.jobName ?? '?'}` : `at ${d.method ?? ''} ${d.route ?? ''}`}`.slice(0, 200),
};

export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_SUBJECTS) as MailTemplateName[];

export function isMailTemplate(name: string): name is MailTemplateName {
  return Object.hasOwn(MAIL_SUBJECTS, name);
}
