import { HttpStatus } from '@nestjs/common';

/**
 * A failure our own code raises on purpose. `code` is stable and machine-readable (clients
 * branch on it); `message` is safe to show to the user; `details` is rendered as-is in JSON
 * and must therefore never hold secrets.
 */
export class AppError extends Error {
  /**
   * Where a browser that asked for a page (GET) is sent instead of seeing the error page, e.g.
   * the login form for a 401. JSON clients still get the error.
   */
  browserRedirect?: string;

  constructor(
    readonly code: string,
    readonly status: HttpStatus,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A dependency (database, Redis, SMTP) is unreachable: the request may succeed later. */
export class DependencyUnavailableError extends AppError {
  constructor(dependency: string, cause?: unknown) {
    super('service_unavailable', HttpStatus.SERVICE_UNAVAILABLE, `The ${dependency} is unavailable. Please try again shortly.`);
    this.cause = cause;
  }
}
