import type { ErrorReportInput } from '@app/errors';
import type { RepeatOptions } from 'bullmq';
import { createHash } from 'node:crypto';

/**
 * The one registry of background work. Every job has a name, a payload
 * type and a queue; the api enqueues by name with a payload the compiler checks, and the worker
 * refuses to start unless every name here has exactly one processor.
 *
 * To add a job: add its payload to `JobPayloads`, an entry to `JOBS`, and a provider decorated
 * with `@JobProcessor('<name>')` in a module the worker imports. To run it on a schedule, give the
 * entry a `schedule`: the worker upserts a BullMQ job scheduler for it at boot (and removes
 * schedulers whose entry is gone), so a schedule lives in this one place.
 */
export interface JobPayloads {
  /** Render and send one outbox row (libs/mail). The row id makes the job id: never queued twice. */
  'mail.send': { outboxId: string; template: string };
  /** Mail an error report to ADMIN_EMAILS (libs/mail); deduplicated by fingerprint per window. */
  'errors.report': ErrorReportPayload;
  /** Delete sent outbox rows older than OUTBOX_RETENTION_DAYS. Also the example to copy. */
  'mail.outbox-prune': Record<string, never>;
  /** Delete audit trail rows older than AUDIT_RETENTION_DAYS (libs/audit). */
  'audit.prune': Record<string, never>;
  /** Remove expired session files (file store only; Redis expires keys itself). */
  'sessions.reap': Record<string, never>;
  /**
   * Look the address up and, if it is an active account's, mail it a reset link (libs/auth). The
   * request only queues this, so known and unknown addresses cost the page the same.
   */
  'accounts.forgot-password': { email: string };
  /** Delete confirmation and reset tokens that can no longer be used (libs/auth). */
  'accounts.purge-tokens': Record<string, never>;
  /** Does nothing: smoke test (`npm run cli -- queue:ping`) and benchmark. */
  'system.ping': { sentAt: number };
}

export type JobName = keyof JobPayloads;

/** The queues behind the names: one per kind of work, so slow mail never blocks housekeeping. */
export const QUEUE_NAMES = ['mail', 'maintenance', 'system'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** What the failure's context was (see ErrorReportInput), plus the error reduced to scrubbed text. */
export interface ErrorReportPayload extends Omit<ErrorReportInput, 'error'> {
  /** Same fingerprint, same window: one mail. */
  fingerprint: string;
  /** Already scrubbed of secrets (see libs/mail error-report.ts). */
  errorName: string;
  message: string;
  stack: string;
  occurredAt: string;
}

export interface JobDefinition<N extends JobName> {
  readonly queue: QueueName;
  /** For jobs whose duplicates would hurt: the same payload always maps to the same id. */
  readonly jobId?: (data: JobPayloads[N]) => string;
  /**
   * Whether a job that failed for good is mailed to the admins (default yes). Off where the
   * report would itself be a failing mail, which would loop.
   */
  readonly reportFailure?: (data: JobPayloads[N]) => boolean;
  /** Repeat on this schedule (BullMQ job scheduler, id = the job name). */
  readonly schedule?: { readonly repeat: Omit<RepeatOptions, 'key'>; readonly data: JobPayloads[N] };
}

export const JOBS: { readonly [N in JobName]: JobDefinition<N> } = {
  'mail.send': { queue: 'mail', jobId: (d) => `mail-${d.outboxId}`, reportFailure: (d) => d.template !== 'error-report' },
  'errors.report': { queue: 'mail', reportFailure: () => false },
  'mail.outbox-prune': { queue: 'maintenance', schedule: { repeat: { pattern: '17 3 * * *' }, data: {} } },
  'audit.prune': { queue: 'maintenance', schedule: { repeat: { pattern: '23 4 * * *' }, data: {} } },
  'sessions.reap': { queue: 'maintenance', schedule: { repeat: { every: 15 * 60_000 }, data: {} } },
  // One job per address per minute: a burst of requests for one address sends one mail (the id
  // holds a digest, so queue listings do not show the address; the payload has it).
  'accounts.forgot-password': {
    queue: 'mail',
    jobId: (d) => `forgot-password-${addressDigest(d.email)}-${Math.floor(Date.now() / 60_000)}`,
  },
  'accounts.purge-tokens': { queue: 'maintenance', schedule: { repeat: { pattern: '41 * * * *' }, data: {} } },
  'system.ping': { queue: 'system' },
};

function addressDigest(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
