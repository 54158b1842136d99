/**
 * Every action the audit trail knows, as stable codes: rows outlive the code that wrote them, so
 * a code is never renamed or reused (add a new one instead). The admin page's filter offers
 * exactly this list, and a filter value outside it is a 400.
 */
export const AUDIT_ACTIONS = [
  // Security events of an account (actor: the account itself unless an admin did it).
  'auth.sign-in',
  'auth.sign-in-failed',
  'auth.sign-out',
  'account.password-changed',
  'account.password-reset',
  'account.email-changed',
  'account.second-factor-enabled',
  'account.second-factor-disabled',
  'api-key.created',
  'api-key.revoked',
  'sessions.revoked',
  // Changes to a user made by an admin (or the CLI).
  'user.created',
  'user.updated',
  'user.deleted',
  'user.disabled',
  'user.enabled',
  'user.roles-changed',
  'user.password-reset-forced',
  'user.confirmation-resent',
  // The admin panel's other actions.
  'job.retried',
  'job.removed',
  'job.promoted',
  'queue.paused',
  'queue.resumed',
  'mail.resent',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** What an event acted on; `id` is kept as text, because a job id is not a uuid. */
export const AUDIT_TARGET_TYPES = ['user', 'api-key', 'session', 'job', 'queue', 'mail'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
