import type { ErrorReportInput } from '@app/errors';
import type { ErrorReportPayload } from '@app/queue';
import { createHash } from 'node:crypto';

const REDACTED = '[redacted]';

/**
 * What must never leave the process in a report or a log line: values of anything named like a
 * credential, auth headers, credentials inside URLs, and long opaque strings (tokens, session
 * ids, API keys) wherever they appear.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic|Token)\s+[\w.~+/=-]+/gi, `$1 ${REDACTED}`],
  [/(\b[a-z][\w+.-]*:\/\/)[^\s:@/]*:[^\s@/]*@/gi, `$1${REDACTED}@`],
  [
    /((?:password|passwd|pwd|pass|secret|token|api[_-]?key|authorization|cookie|session[_-]?id|sid|csrf[_-]?token|signature|sig)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;)}\]]+)/gi,
    `$1${REDACTED}`,
  ],
  [/\b[A-Za-z0-9_-]{32,}\b/g, REDACTED],
];

export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * Same bug, same fingerprint: the error class, its message with the variable parts (numbers,
 * ids) blanked, where it happened (route or job) and the top of the stack.
 */
export function fingerprintOf(errorName: string, message: string, where: string, stack: string): string {
  const frames = stack
    .split('\n')
    .filter((line) => line.trim().startsWith('at '))
    .slice(0, 3)
    .join('\n');
  const normalized = message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<id>').replace(/\d+/g, '<n>');
  return createHash('sha256').update([errorName, normalized, where, frames].join('\u0000')).digest('hex').slice(0, 20);
}

export function toErrorReport(input: ErrorReportInput, now = new Date()): ErrorReportPayload {
  const error = input.error instanceof Error ? input.error : new Error(String(input.error));
  const message = scrubSecrets(error.message).slice(0, 1000);
  const stack = scrubSecrets(error.stack ?? `${error.name}: ${error.message}`).slice(0, 8000);
  const where = input.source === 'http' ? `${input.method ?? ''} ${input.route ?? ''}` : (input.jobName ?? '');
  return {
    fingerprint: fingerprintOf(error.name, error.message, where, error.stack ?? ''),
    source: input.source,
    errorName: error.name,
    message,
    stack,
    occurredAt: now.toISOString(),
    requestId: input.requestId,
    method: input.method,
    route: input.route && scrubSecrets(input.route),
    userId: input.userId,
    jobName: input.jobName,
    jobId: input.jobId,
    attempts: input.attempts,
  };
}
