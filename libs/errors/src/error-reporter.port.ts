/** What is known about an unexpected failure when it happens. */
export interface ErrorReportInput {
  error: unknown;
  source: 'http' | 'job';
  requestId?: string;
  method?: string;
  /** The route pattern (`/users/:id`), or the path without its query string. */
  route?: string;
  userId?: string;
  jobName?: string;
  jobId?: string;
  attempts?: number;
}

/**
 * Port for telling the admins about unexpected failures (unhandled 5xx in the api, jobs that
 * failed for good in the worker). The error filter and the worker call it; libs/mail binds the
 * implementation (an error-report mail). Nothing bound: nothing reported.
 */
export abstract class ErrorReporter {
  /**
   * Hands the failure over and returns at once: never throws, never delays the response that
   * is being rendered, and reports at most once per fingerprint per window. Implementations must
   * keep secrets (passwords, tokens, cookies) out of whatever they send.
   */
  abstract report(input: ErrorReportInput): void;
}
