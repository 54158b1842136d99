import { ConfigValidationError } from '@app/config';

/**
 * Prints why an app could not start, once and readably, then exits non-zero. A configuration
 * problem is the user's to fix, so it is shown without a stack trace.
 */
export function exitOnStartupError(appName: string, error: unknown): never {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`\n${appName} cannot start. ${error.message}\n\n`);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\n${appName} failed to start: ${detail}\n\n`);
  }
  process.exit(1);
}
